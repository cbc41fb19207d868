/*
 * options.c - params_parse(): the `run` command line into a struct cv_params.
 *
 * Table-driven: each option has a name, whether it takes a value, and a
 * handler that checks the value strictly (the whole text must be a number in
 * range; no signs, no blanks, no hex) and stores it. Every mistake is one
 * line naming the option, what it wants and what it got, and exit status 2.
 * URLs from --url and --urls are checked and copied (engines/urls.c).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "urls.h"

#define OPT_MAX_MS 600000.0
#define OPT_MAX_SIZE (64L * 1024 * 1024)
#define OPT_MAX_CPU 10000000000ull

enum opt_id {
	O_MODE, O_WORKLOAD, O_WORKERS, O_TASKS, O_URL, O_URLS, O_LATENCY, O_JITTER,
	O_SIZE, O_FAIL, O_TIMEOUT, O_CPU, O_GIL, O_SWITCH, O_NOUI, O_JSON, O_RECORD, O_FORCE,
	O_LOCK, O_LOCK_ORDER,
};

static const struct opt_def {
	const char *name;
	enum opt_id id;
	bool value;
} opt_defs[] = {
	{ "--mode", O_MODE, true },         { "--workload", O_WORKLOAD, true },
	{ "--workers", O_WORKERS, true },   { "--tasks", O_TASKS, true },
	{ "--url", O_URL, true },           { "--urls", O_URLS, true },
	{ "--latency", O_LATENCY, true },   { "--jitter", O_JITTER, true },
	{ "--size", O_SIZE, true },         { "--fail-rate", O_FAIL, true },
	{ "--timeout", O_TIMEOUT, true },   { "--cpu-size", O_CPU, true },
	{ "--gil", O_GIL, false },          { "--switch-interval", O_SWITCH, true },
	{ "--no-ui", O_NOUI, false },       { "--json", O_JSON, false },
	{ "--record", O_RECORD, true },     { "--force", O_FORCE, false },
	{ "--lock", O_LOCK, false },        { "--lock-order", O_LOCK_ORDER, false },
};

/* Parse a whole number made only of digits, in [lo, hi]; 0 or -1. */
static int opt_whole(const char *s, unsigned long long lo, unsigned long long hi,
		     unsigned long long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Parse a finite decimal number (digits, '.', exponent) in [lo, hi]; 0 or -1. */
static int opt_real(const char *s, double lo, double hi, double *out)
{
	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s) || (*s != '.' && (*s < '0' || *s > '9')))
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Store option d's value v into p, or write the one-line complaint; 0 or 2. */
static int opt_apply(struct cv_params *p, const struct opt_def *d, const char *v,
		     bool *tasks_given, char *err, size_t errlen)
{
	unsigned long long u;
	double x;
	char why[256];
	switch (d->id) {
	case O_MODE:
		if (params_mode_parse(v, &p->mode) == 0)
			return 0;
		snprintf(err, errlen, "concviz: --mode wants seq, threads, async or procs (got '%.40s')", v);
		return 2;
	case O_WORKLOAD:
		if (params_workload_parse(v, &p->workload) == 0)
			return 0;
		snprintf(err, errlen, "concviz: --workload wants io, cpu, race or deadlock (got '%.40s')", v);
		return 2;
	case O_WORKERS:
		if (opt_whole(v, 1, CV_MAX_WORKERS, &u) == 0) {
			p->workers = (int)u;
			return 0;
		}
		snprintf(err, errlen, "concviz: --workers wants a whole number from 1 to %d (got '%.40s')",
			 CV_MAX_WORKERS, v);
		return 2;
	case O_TASKS:
		if (opt_whole(v, 1, CV_MAX_TASKS, &u) == 0) {
			p->tasks = (int)u;
			*tasks_given = true;
			return 0;
		}
		snprintf(err, errlen, "concviz: --tasks wants a whole number from 1 to %d (got '%.40s')",
			 CV_MAX_TASKS, v);
		return 2;
	case O_URL:
		if (urls_append(&p->urls, &p->nurls, v, why, sizeof why) == 0)
			return 0;
		snprintf(err, errlen, "concviz: --url: %s; give an http:// or https:// URL", why);
		return 2;
	case O_URLS:
		if (urls_load(v, &p->urls, &p->nurls, why, sizeof why) == 0)
			return 0;
		snprintf(err, errlen, "concviz: --urls %s; give a file with one http:// or https:// URL "
			 "per line ('#' starts a comment)", why);
		return 2;
	case O_LATENCY:
	case O_JITTER:
	case O_TIMEOUT:
		if (opt_real(v, 0, OPT_MAX_MS, &x) == 0) {
			*(d->id == O_LATENCY ? &p->latency_ms : d->id == O_JITTER ? &p->jitter_ms
										: &p->timeout_ms) = x;
			return 0;
		}
		snprintf(err, errlen, "concviz: %s wants milliseconds from 0 to %.0f (got '%.40s')",
			 d->name, OPT_MAX_MS, v);
		return 2;
	case O_SIZE:
		if (opt_whole(v, 0, OPT_MAX_SIZE, &u) == 0) {
			p->size = (long)u;
			return 0;
		}
		snprintf(err, errlen, "concviz: --size wants a whole number of bytes from 0 to %ld "
			 "(64 MiB) (got '%.40s')", OPT_MAX_SIZE, v);
		return 2;
	case O_FAIL:
		if (opt_real(v, 0, 1, &x) == 0) {
			p->fail_rate = x;
			return 0;
		}
		snprintf(err, errlen, "concviz: --fail-rate wants a number from 0 to 1 (got '%.40s')", v);
		return 2;
	case O_CPU:
		if (opt_whole(v, 1, OPT_MAX_CPU, &u) == 0) {
			p->cpu_base = u;
			return 0;
		}
		snprintf(err, errlen, "concviz: --cpu-size wants a whole number from 1 to %llu (got '%.40s')",
			 OPT_MAX_CPU, v);
		return 2;
	case O_SWITCH:
		if (opt_real(v, 0.01, 1000, &x) == 0) {
			p->switch_ms = x;
			return 0;
		}
		snprintf(err, errlen, "concviz: --switch-interval wants milliseconds from 0.01 to 1000 "
			 "(got '%.40s')", v);
		return 2;
	case O_RECORD:
		if (!*v) {
			snprintf(err, errlen, "concviz: --record wants a file name; give --record FILE");
			return 2;
		}
		free(p->record);
		p->record = strdup(v);
		if (p->record)
			return 0;
		snprintf(err, errlen, "concviz: out of memory; free some memory and try again");
		return 2;
	case O_GIL:
		p->gil = true;
		return 0;
	case O_NOUI:
		p->no_ui = true;
		return 0;
	case O_JSON:
		p->json = true;
		p->no_ui = true;
		return 0;
	case O_FORCE:
		p->force = true;
		return 0;
	case O_LOCK:
		p->lock = true;
		return 0;
	case O_LOCK_ORDER:
		p->lock_order = true;
		return 0;
	}
	return 2;
}

/* Refuse --lock / --lock-order with a workload they do not apply to; 0 or 2. */
static int opt_check_locks(const struct cv_params *p, char *err, size_t errlen)
{
	if (p->lock && p->workload != WL_RACE) {
		snprintf(err, errlen, "concviz: --lock protects the race workload's counter; "
			 "use it with --workload race");
		return 2;
	}
	if (p->lock_order && p->workload != WL_DEADLOCK) {
		snprintf(err, errlen, "concviz: --lock-order orders the deadlock workload's locks; "
			 "use it with --workload deadlock");
		return 2;
	}
	return 0;
}

/* Find the option named by arg (up to '=' when present); NULL when unknown. */
static const struct opt_def *opt_find(const char *arg, size_t len)
{
	for (size_t i = 0; i < sizeof opt_defs / sizeof opt_defs[0]; i++)
		if (strlen(opt_defs[i].name) == len && !strncmp(opt_defs[i].name, arg, len))
			return &opt_defs[i];
	return NULL;
}

/* Fill p from the defaults and the command line (see options.h). */
int params_parse(struct cv_params *p, int argc, char **argv, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	params_default(p);
	bool tasks_given = false;
	int rc = 0;
	err[0] = '\0';
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
			snprintf(err, errlen, "concviz: unexpected argument '%.60s'; run `concviz help`", arg);
			rc = 2;
			break;
		}
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct opt_def *d = opt_find(arg, nlen);
		if (!d) {
			snprintf(err, errlen, "concviz: unknown option '%.*s'; run `concviz help`",
				 (int)(nlen > 60 ? 60 : nlen), arg);
			rc = 2;
			break;
		}
		const char *v = NULL;
		if (d->value) {
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else {
				snprintf(err, errlen, "concviz: %s needs a value; run `concviz help`", d->name);
				rc = 2;
				break;
			}
		} else if (eq) {
			snprintf(err, errlen, "concviz: %s takes no value (got '%.40s'); give it alone",
				 d->name, eq + 1);
			rc = 2;
			break;
		}
		rc = opt_apply(p, d, v, &tasks_given, err, errlen);
	}
	if (rc == 0)
		rc = opt_check_locks(p, err, errlen);
	if (rc != 0) {
		params_free(p);
		memset(p, 0, sizeof *p);
		params_default(p);
		return 2;
	}
	if (!tasks_given)
		p->tasks = params_default_tasks(p->workload);
	return 0;
}
