/*
 * cmd_trace.c - `concviz trace [options] [--] CMD [ARGS...]` and
 * `concviz attach [options] PID`: a user's program drawn live (the UI), or
 * summarised when it ends (--no-ui, --json).
 *
 * Options: --no-ui, --json (implies --no-ui), --record FILE, --force,
 * --hz N (10..10000, default 1000), -o FILE (the summary goes there instead
 * of stdout, like `time -o`), --no-python (trace only: do not inject the
 * Python task tracer into a Python command; its C SDK calls still count). The program's own stdout and stderr: captured
 * into the recording and the Log view in the UI; headless they pass through
 * untouched (the program inherits concviz's descriptors), or, with --record,
 * are captured and written through as they arrive. The summary is printed
 * after the program ended, as the last line of stdout.
 *
 * Exit status: the program's (its exit code, or 128 + the signal that
 * killed it); 127 command not found, 126 not executable, 2 usage, 1 a
 * runtime failure (attach refused, a recording or the summary that cannot
 * be written);
 * attach exits 0 when it detaches. SIGINT, SIGTERM, SIGHUP and SIGQUIT are
 * passed on to the program (a Ctrl-C from a terminal the program shares
 * already reached it and is not sent twice); a program still alive 3 s
 * later is killed (SIGKILL), and that is said on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app.h"
#include "clock.h"
#include "commands.h"
#include "runner.h"
#include "stats.h"
#include "tracer.h"
#include "transcript.h"

#define TRACE_TICK_NS 5000000u   /* drain every 5 ms */

struct trace_opts {
	struct cv_params p;
	const char *out;           /* -o FILE */
	bool attach;
};

static volatile sig_atomic_t trace_sig;       /* the newest signal caught, 0 = none */
static volatile sig_atomic_t trace_sig_kernel;/* it came from the terminal (shared with the program) */
static volatile sig_atomic_t trace_nsig;      /* signals caught so far */

/* Print a usage error for cmd and return 2. */
static int trace_usage(bool attach, const char *what)
{
	if (attach)
		fprintf(stderr, "concviz: attach: %s; usage: concviz attach [--no-ui] [--json] "
			"[--record FILE [--force]] [--hz N] [-o FILE] PID\n", what);
	else
		fprintf(stderr, "concviz: trace: %s; usage: concviz trace [--no-ui] [--json] "
			"[--record FILE [--force]] [--hz N] [-o FILE] [--no-python] [--] COMMAND [ARGS...]\n",
			what);
	return 2;
}

/* Parse a whole number in [lo, hi]; 0 or -1. */
static int trace_number(const char *s, long lo, long hi, long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return -1;
	long v = strtol(s, NULL, 10);
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Parse the options and the command (trace) or pid (attach); 0 or 2. */
static int trace_parse(int argc, char **argv, struct trace_opts *o)
{
	char buf[160];
	params_default(&o->p);
	o->p.mode = MODE_TRACE;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		size_t nlen = eq && !strncmp(a, "--", 2) ? (size_t)(eq - a) : strlen(a);
		const char *val = eq && !strncmp(a, "--", 2) ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = (nlen == 8 && !strncmp(a, "--record", 8)) || (nlen == 4 && !strncmp(a, "--hz", 4)) ||
			     !strcmp(a, "-o");
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;                          /* the command (or pid) starts here */
		if (takes && !val) {
			snprintf(buf, sizeof buf, "%.*s needs a value", (int)nlen, a);
			return trace_usage(o->attach, buf);
		}
		if (takes && !(eq && !strncmp(a, "--", 2)))
			i++;
		if (!strcmp(a, "--no-ui")) {
			o->p.no_ui = true;
		} else if (!strcmp(a, "--json")) {
			o->p.json = o->p.no_ui = true;
		} else if (!strcmp(a, "--force")) {
			o->p.force = true;
		} else if (!strcmp(a, "--no-python") && !o->attach) {
			o->p.no_python = true;
		} else if (!strcmp(a, "-o")) {
			o->out = val;
		} else if (nlen == 8 && !strncmp(a, "--record", 8)) {
			if (!*val)
				return trace_usage(o->attach, "--record wants a file name");
			o->p.record = (char *)val;
		} else if (nlen == 4 && !strncmp(a, "--hz", 4)) {
			long hz;
			if (trace_number(val, TRACER_HZ_MIN, TRACER_HZ_MAX, &hz) < 0) {
				snprintf(buf, sizeof buf, "--hz wants samples per second from %d to %d (got '%.40s')",
					 TRACER_HZ_MIN, TRACER_HZ_MAX, val);
				return trace_usage(o->attach, buf);
			}
			o->p.hz = (int)hz;
		} else {
			snprintf(buf, sizeof buf, "unknown option '%.60s'", a);
			return trace_usage(o->attach, buf);
		}
	}
	if (i >= argc)
		return trace_usage(o->attach, o->attach ? "no process id" : "no command");
	if (o->attach) {
		long pid;
		if (i + 1 < argc || trace_number(argv[i], 1, 0x3fffffff, &pid) < 0) {
			snprintf(buf, sizeof buf, "wants one process id (got '%.40s')", argv[i]);
			return trace_usage(true, buf);
		}
		o->p.attach_pid = (int)pid;
	} else {
		o->p.argv = argv + i;
		o->p.argc = argc - i;
	}
	return 0;
}

/* Remember a signal and whether the terminal sent it (to the whole group). */
static void trace_on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	trace_sig = sig;
	trace_sig_kernel = si && si->si_code == SI_KERNEL;
	trace_nsig++;
}

/* Catch SIGINT, SIGTERM, SIGHUP and SIGQUIT (headless), and ignore SIGPIPE:
 * a closed stdout makes writing the summary fail (said, exit 1) instead of
 * killing concviz before it removed the SDK's directory and reaped the
 * program (which gets its signals back to default). */
static void trace_signals(void)
{
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = trace_on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Write the program's output events of log[from..n) to fds 1 and 2. */
static void trace_write_through(const struct cv_event *log, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++) {
		if (log[i].kind != EV_OUTPUT)
			continue;
		char b[CV_NAME_PIECE];
		int fd;
		size_t len = transcript_bytes(&log[i], b, &fd);
		if (len && (fd == 1 || fd == 2)) {
			ssize_t w = write(fd, b, len);
			(void)w;                        /* a closed stdout is the user's choice */
		}
	}
}

/* Drive the trace to its end headless: pass signals on, write output
 * through, say an escalation. */
static void trace_loop(struct runner *r, bool captured)
{
	size_t seen = 0;
	int handled = 0;
	bool said = false;
	while (!r->finished) {
		if (trace_nsig != handled && tracer_attached(r->engine)) {
			runner_stop(r);                          /* detach: it goes on */
			break;
		}
		if (trace_nsig != handled) {
			bool twice = handled > 0;
			handled = trace_nsig;
			if (twice)
				tracer_kill_now(r->engine);      /* asked again: do not wait */
			else
				tracer_signal(r->engine, trace_sig, trace_sig_kernel);
		}
		size_t n = runner_drain(r);
		if (captured)
			trace_write_through(r->log, seen, r->nlog);
		seen = r->nlog;
		if (r->tl.trace.escalated && !said) {
			fprintf(stderr, "concviz: the program was still running %.0f s after the signal; "
				"killed it (SIGKILL)\n", TRACER_GRACE_NS / 1e9);
			said = true;
		}
		if (!n)
			clock_sleep_ns(TRACE_TICK_NS);
	}
}

/* Print the summary to stdout or -o FILE; 0 or 1. */
static int trace_summary(const struct trace_opts *o, struct runner *r)
{
	FILE *f = stdout;
	if (o->out) {
		int fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (o->p.force ? 0 : O_EXCL), 0644);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			fprintf(stderr, "concviz: cannot write the summary to %s (%s); check the path\n",
				o->out, strerror(errno));
			if (fd >= 0)
				close(fd);
			return 1;
		}
	}
	struct cv_summary sum;
	stats_summarize(&r->session, &r->tl, &sum);
	if (o->p.json)
		stats_print_json(f, &r->session, &r->tl, &sum);
	else
		stats_print_line(f, &sum);
	int rc = fflush(f) == 0 && !ferror(f) ? 0 : 1;
	if (f != stdout && fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "concviz: could not write the summary%s%s; check the pipe or disk\n",
			o->out ? " to " : "", o->out ? o->out : "");
	return rc;
}

/* The exit status of a finished trace: the program's, 0 after attach. */
static int trace_status(const struct runner *r)
{
	const struct tl_trace *t = &r->tl.trace;
	if (r->exit_status)
		return r->exit_status;
	if (t->exited && t->status_known)
		return stats_exit_code((int)t->wait_status);
	return 0;
}

/* The exit status of a trace that could not start. */
static int trace_start_status(const struct runner *r, bool attach)
{
	if (attach)
		return 1;
	return r->start_error == -ENOENT ? 127 : r->start_error == -EINVAL ? 2 :
	       r->start_error < 0 && r->start_error != -ENOMEM ? 126 : 1;
}

/* Trace headless: start, drain, summarise; returns the exit status. */
static int trace_headless(struct trace_opts *o)
{
	struct runner r;
	char err[512];
	trace_signals();
	sigset_t block, old;
	sigemptyset(&block);
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&block, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);   /* the origin's thread inherits it */
	int rc = runner_start(&r, &o->p, err, sizeof err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		runner_shutdown();
		return trace_start_status(&r, o->attach);
	}
	if (o->p.record && runner_record(&r, o->p.record, o->p.force, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		runner_free(&r);
		runner_shutdown();
		return 1;
	}
	trace_loop(&r, o->p.record != NULL);
	char why[256];
	if (r.rec && runner_record_stop(&r, why, sizeof why) < 0 && r.exit_status == 0) {
		r.exit_status = 1;
		snprintf(r.err, sizeof r.err, "%s", why);
	}
	int status = trace_status(&r);
	if (trace_summary(o, &r) && !status)
		status = 1;
	if (r.exit_status)
		fprintf(stderr, "%s\n", r.err);
	runner_free(&r);
	runner_shutdown();
	return status;
}

/* `concviz trace` and `concviz attach`: parse, check files, then run. */
static int trace_command(int argc, char **argv, bool attach)
{
	struct trace_opts o;
	memset(&o, 0, sizeof o);
	o.attach = attach;
	int rc = trace_parse(argc, argv, &o);
	if (rc)
		return rc;
	if (o.p.record && !o.p.force && access(o.p.record, F_OK) == 0) {
		fprintf(stderr, "concviz: %s already exists; use --force to overwrite it\n", o.p.record);
		return 2;
	}
	if (o.out && !o.p.force && access(o.out, F_OK) == 0) {
		fprintf(stderr, "concviz: %s already exists; use --force to overwrite it\n", o.out);
		return 2;
	}
	if (o.out && !o.p.no_ui)
		return trace_usage(attach, "-o writes the headless summary; give --no-ui or --json too");
	if (!o.p.no_ui) {
		int status = app_trace(&o.p);
		runner_shutdown();
		return status;
	}
	return trace_headless(&o);
}

/* `concviz trace [options] [--] CMD [ARGS...]`. */
int cmd_trace(int argc, char **argv)
{
	return trace_command(argc, argv, false);
}

/* `concviz attach [options] PID`. */
int cmd_attach(int argc, char **argv)
{
	return trace_command(argc, argv, true);
}
