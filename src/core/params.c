/*
 * params.c - defaults and names of run parameters (parsing: options.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "params.h"

static const char *const mode_names[MODE_COUNT] = { "seq", "threads", "async", "procs", "trace" };
static const char *const workload_names[WL_COUNT] = { "io", "cpu", "race", "deadlock" };

/* Fill p with the defaults: threads, io, 5 workers, 160 tasks. */
void params_default(struct cv_params *p)
{
	memset(p, 0, sizeof *p);
	p->mode = MODE_THREADS;
	p->workload = WL_IO;
	p->workers = 0;
	p->tasks = 160;
	p->switch_ms = 5.0;
	p->latency_ms = 100.0;
	p->jitter_ms = 0.0;
	p->size = 10240;
	p->fail_rate = 0.0;
	p->timeout_ms = 10000.0;
	p->cpu_base = CV_DEFAULT_CPU_BASE;
	p->hz = CV_DEFAULT_HZ;
}

/* Free the strings params_parse allocated. */
void params_free(struct cv_params *p)
{
	for (int i = 0; p->urls && i < p->nurls; i++)
		free(p->urls[i]);
	free(p->urls);
	free(p->record);
	p->urls = NULL;
	p->nurls = 0;
	p->record = NULL;
}

/* Return the mode's name. */
const char *params_mode_name(enum cv_mode m)
{
	return (unsigned)m < MODE_COUNT ? mode_names[m] : "?";
}

/* Return the workload's name. */
const char *params_workload_name(enum cv_workload w)
{
	return (unsigned)w < WL_COUNT ? workload_names[w] : "?";
}

/* Parse a mode name; 0 or -1. */
int params_mode_parse(const char *s, enum cv_mode *out)
{
	for (int i = 0; i < MODE_BUILTIN; i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum cv_mode)i;
			return 0;
		}
	return -1;
}

/* Parse a workload name; 0 or -1. */
int params_workload_parse(const char *s, enum cv_workload *out)
{
	for (int i = 0; i < WL_COUNT; i++)
		if (!strcmp(s, workload_names[i])) {
			*out = (enum cv_workload)i;
			return 0;
		}
	return -1;
}

/* Effective worker count: threads 5, procs = cores, seq 1, async = tasks. */
int params_workers(const struct cv_params *p)
{
	if (p->mode == MODE_SEQ)
		return 1;
	if (p->workers > 0)
		return p->workers;
	if (p->mode == MODE_PROCS) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		return n > 0 ? (int)n : 1;
	}
	if (p->mode == MODE_ASYNC)
		return p->tasks > 0 ? p->tasks : 1;
	return 5;
}

/* The default number of tasks of workload w. */
int params_default_tasks(enum cv_workload w)
{
	static const int tasks[WL_COUNT] = { 160, 20, 10, 4 };
	return (unsigned)w < WL_COUNT ? tasks[w] : 160;
}
