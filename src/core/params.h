/*
 * params.h - everything that defines one run: mode, workload and their knobs.
 *
 * One struct cv_params is filled from the command line (params_parse), shown
 * in the UI header, handed to an engine, and stored in a recording's header.
 * Defaults follow the classic lesson: 160 downloads, 5 threads, 20 sums.
 */
#ifndef CV_PARAMS_H
#define CV_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

/* The built-in models come first (MODE_BUILTIN of them: --mode takes only
 * those); MODE_TRACE is a traced program (`concviz trace` / `attach`). The
 * numbers are part of the recording format: append only. */
enum cv_mode { MODE_SEQ = 0, MODE_THREADS = 1, MODE_ASYNC = 2, MODE_PROCS = 3, MODE_TRACE = 4,
	       MODE_COUNT };
#define MODE_BUILTIN 4
enum cv_workload { WL_IO = 0, WL_CPU = 1, WL_RACE = 2, WL_DEADLOCK = 3, WL_COUNT };

#define CV_MAX_TASKS 100000   /* documented limit on --tasks */
#define CV_MAX_WORKERS 256    /* documented limit on --workers */
#define CV_MAX_URLS 4096      /* documented limit on --url / --urls entries */
#define CV_DEFAULT_CPU_BASE 200000000ull /* 20 tasks take about 3 s in seq on one core */
#define CV_DEFAULT_HZ 1000    /* trace: samples per second */

struct cv_params {
	enum cv_mode mode;
	enum cv_workload workload;
	int workers;          /* threads/procs pool size; async: in-flight limit (0 = all) */
	int tasks;            /* number of tasks */
	bool gil;             /* emulate the GIL (threads) */
	double switch_ms;     /* GIL switch interval */
	/* io */
	char **urls;          /* NULL: the embedded origin */
	int nurls;
	double latency_ms;    /* embedded origin: base latency */
	double jitter_ms;     /* embedded origin: uniform extra latency */
	long size;            /* embedded origin: body bytes */
	double fail_rate;     /* embedded origin: fraction of failures */
	double timeout_ms;    /* per-request timeout (0 = none) */
	/* cpu */
	uint64_t cpu_base;    /* task i sums i*i below cpu_base + i */
	/* race / deadlock */
	bool lock;            /* race: protect the increment with a lock */
	bool lock_order;      /* deadlock: every task takes the locks in one order */
	/* trace / attach */
	char **argv;          /* the command to trace (borrowed), NULL-terminated; NULL = none */
	int argc;
	int attach_pid;       /* attach to this process instead (0 = none) */
	int hz;               /* sampling rate, samples per second */
	bool no_python;       /* do not inject the Python task tracer */
	/* output */
	bool no_ui, json;
	char *record;         /* --record FILE, or NULL */
	bool force;           /* overwrite an existing recording */
};

/* Fill p with the defaults (threads, io, 5 workers, 160 tasks). */
void params_default(struct cv_params *p);

/* Free what params_parse allocated (urls, record). */
void params_free(struct cv_params *p);

/* Return "seq", "threads", "async", "procs", "trace"; "?" when out of range. */
const char *params_mode_name(enum cv_mode m);

/* Return "io", "cpu", "race" or "deadlock". */
const char *params_workload_name(enum cv_workload w);

/* Parse the name of a built-in mode (not "trace"); returns 0 or -1. */
int params_mode_parse(const char *s, enum cv_mode *out);

/* Parse a workload name; returns 0 or -1. */
int params_workload_parse(const char *s, enum cv_workload *out);

/* Effective worker count: the default for the mode when workers is 0. */
int params_workers(const struct cv_params *p);

/* The default number of tasks of workload w: io 160, cpu 20, race 10,
 * deadlock 4. */
int params_default_tasks(enum cv_workload w);

#endif
