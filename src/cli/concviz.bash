# concviz.bash - bash completion for concviz: subcommands, their options and
# the values those options take (modes, workloads, formats, views, colours),
# recordings (*.cvz) where a FILE is asked for.
#
# Installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/concviz, where bash-completion
# loads it on first use; `source` it by hand otherwise. Self-contained: it
# needs nothing from the bash-completion package. tests/layout/
# test_completion.sh drives it the way bash does (COMP_WORDS, COMP_CWORD).

# _concviz_files [GLOB]: complete file names (matching GLOB) and directories.
_concviz_files()
{
	local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\n'
	if [ -n "$1" ]; then
		COMPREPLY=($(compgen -f -X "!$1" -- "$cur") $(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	compopt -o filenames 2>/dev/null
}

# _concviz: the completion function bash calls for `concviz`.
_concviz()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="run trace attach bench serve replay export show stats help"
	local run_opts="--mode --workload --workers --tasks --url --urls --latency --jitter
		--size --fail-rate --timeout --cpu-size --gil --switch-interval --lock --lock-order
		--no-ui --json --record --force --help"
	local bench_opts="--workload --workers --tasks --url --urls --latency --jitter --size
		--fail-rate --timeout --cpu-size --gil --switch-interval --lock --lock-order --json --help"
	local trace_opts="--no-ui --json -o --record --force --hz --help"
	local traceonly_opts="--no-python"
	local cmd="" i
	COMPREPLY=()

	# the subcommand: the first word that is not an option (none = `run`)
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) case " $commands " in *" ${COMP_WORDS[i]} "*) cmd=${COMP_WORDS[i]}; break ;; esac ;;
		esac
	done

	# values of the option just typed
	case $prev in
	--mode) COMPREPLY=($(compgen -W "seq threads async procs" -- "$cur")); return ;;
	--workload)
		if [ "$cmd" = bench ]; then
			COMPREPLY=($(compgen -W "io cpu both race deadlock" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "io cpu race deadlock" -- "$cur"))
		fi
		return ;;
	--format) COMPREPLY=($(compgen -W "chrome csv" -- "$cur")); return ;;
	--view) COMPREPLY=($(compgen -W "gantt compare loop log findings" -- "$cur")); return ;;
	--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	--record) _concviz_files '*.cvz'; return ;;
	--urls | -o | --output) _concviz_files; return ;;
	--workers | --tasks | --latency | --jitter | --size | --fail-rate | --timeout | \
	--cpu-size | --switch-interval | --port | --bind | --speed | --width | --url | --hz)
		return ;;   # a number or an address: nothing to offer
	esac

	# trace: after the command word (or --), complete the program's own words
	if [ "$cmd" = trace ]; then
		local first=0
		for ((i = 2; i < COMP_CWORD; i++)); do
			case ${COMP_WORDS[i]} in
			--) first=$((i + 1)); break ;;
			-o | --record | --hz) i=$((i + 1)) ;;
			-*) ;;
			*) first=$i; break ;;
			esac
		done
		if [ "$first" -gt 0 ] && [ "$first" -le "$COMP_CWORD" ]; then
			if [ "$first" -eq "$COMP_CWORD" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				_concviz_files
			fi
			return
		fi
	fi

	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$run_opts --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi ;;
	run) COMPREPLY=($(compgen -W "$run_opts" -- "$cur")) ;;
	bench) COMPREPLY=($(compgen -W "$bench_opts" -- "$cur")) ;;
	serve)
		COMPREPLY=($(compgen -W "--port --bind --latency --jitter --size --fail-rate --help" -- "$cur")) ;;
	replay | export | show | stats)
		if [[ $cur == -* ]]; then
			local opts
			case $cmd in
			replay) opts="--speed" ;;
			export) opts="--format -o --output --force" ;;
			show) opts="--width --view --color --ascii" ;;
			stats) opts="--json" ;;
			esac
			COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
		else
			_concviz_files '*.cvz'
		fi ;;
	trace)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$trace_opts $traceonly_opts --" -- "$cur"))
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi ;;
	attach)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$trace_opts" -- "$cur"))
		else   # process ids
			COMPREPLY=($(compgen -W "$(cd /proc && echo [0-9]*)" -- "$cur"))
		fi ;;
	help) ;;
	esac
}

complete -F _concviz concviz
