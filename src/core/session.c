/*
 * session.c - the run's header: parameters, lane names, task names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "session.h"

/* Duplicate s (NULL stays NULL); sets *fail on OOM. */
static char *dup_or_fail(const char *s, int *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

/* Initialise s for a run of p (deep copy of strings); 0 or -ENOMEM. */
int session_init(struct session *s, const struct cv_params *p)
{
	memset(s, 0, sizeof *s);
	s->params = *p;
	s->params.urls = NULL;
	s->params.nurls = 0;
	s->params.argv = NULL;
	s->params.argc = 0;
	int fail = 0;
	if (p->argv && p->argc > 0) {
		if (session_set_argv(s, p->argc, p->argv) < 0)
			fail = 1;
		s->params.argv = s->argv;
		s->params.argc = s->argc;
	}
	s->trace_hz = p->hz;
	s->params.record = dup_or_fail(p->record, &fail);
	if (p->nurls > 0) {
		s->params.urls = calloc((size_t)p->nurls, sizeof *s->params.urls);
		if (!s->params.urls)
			fail = 1;
		for (int i = 0; !fail && i < p->nurls; i++)
			s->params.urls[i] = dup_or_fail(p->urls[i], &fail);
		s->params.nurls = p->nurls;
	}
	if (gethostname(s->host, sizeof s->host - 1) != 0)
		strcpy(s->host, "unknown");
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	s->cores = n > 0 ? (int)n : 1;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	s->start_unix_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	s->start_mono_ns = clock_ns();
	if (fail) {
		session_free(s);
		return -ENOMEM;
	}
	return 0;
}

/* Free everything s owns. */
void session_free(struct session *s)
{
	for (int i = 0; s->params.urls && i < s->params.nurls; i++)
		free(s->params.urls[i]);
	free(s->params.urls);
	free(s->params.record);
	for (uint32_t i = 0; s->tasks && i < s->ntasks; i++)
		free(s->tasks[i]);
	free(s->tasks);
	free(s->lanes);
	for (int i = 0; s->argv && i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	memset(s, 0, sizeof *s);
}

/* Append a lane; returns its index or -ENOMEM. */
int session_add_lane(struct session *s, const char *name, enum lane_kind kind)
{
	if (s->nlanes == s->lanes_cap) {
		uint32_t cap = s->lanes_cap ? s->lanes_cap * 2 : 16;
		void *p = realloc(s->lanes, cap * sizeof *s->lanes);
		if (!p)
			return -ENOMEM;
		s->lanes = p;
		s->lanes_cap = cap;
	}
	struct session_lane *l = &s->lanes[s->nlanes];
	memset(l, 0, sizeof *l);
	strncpy(l->name, name ? name : "", sizeof l->name - 1);
	l->kind = (uint8_t)kind;
	return (int)s->nlanes++;
}

/* Set the task names (copies); 0 or -ENOMEM (old names kept). */
int session_set_tasks(struct session *s, char *const *names, uint32_t ntasks)
{
	char **t = calloc(ntasks ? ntasks : 1, sizeof *t);
	if (!t)
		return -ENOMEM;
	for (uint32_t i = 0; i < ntasks; i++) {
		t[i] = strdup(names[i] ? names[i] : "");
		if (!t[i]) {
			while (i-- > 0)
				free(t[i]);
			free(t);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; s->tasks && i < s->ntasks; i++)
		free(s->tasks[i]);
	free(s->tasks);
	s->tasks = t;
	s->ntasks = ntasks;
	s->tasks_cap = ntasks ? ntasks : 1;
	return 0;
}

/* Return task i's name, or "". */
const char *session_task_name(const struct session *s, uint32_t i)
{
	return i < s->ntasks && s->tasks[i] ? s->tasks[i] : "";
}

/* Return lane i's name, or "". */
const char *session_lane_name(const struct session *s, uint32_t i)
{
	return i < s->nlanes ? s->lanes[i].name : "";
}

/* Set the traced command (deep copy); 0 or -ENOMEM (the old one kept). */
int session_set_argv(struct session *s, int argc, char *const *argv)
{
	char **v = calloc((size_t)(argc > 0 ? argc : 0) + 1, sizeof *v);
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		v[i] = strdup(argv[i] ? argv[i] : "");
		if (!v[i]) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return -ENOMEM;
		}
	}
	for (int i = 0; s->argv && i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	s->argv = v;
	s->argc = argc > 0 ? argc : 0;
	return 0;
}

/* Make lanes up to index l exist (named "" until named); 0, -EINVAL, -ENOMEM. */
static int session_grow_lanes(struct session *s, uint32_t l)
{
	if (l < s->nlanes)
		return 0;
	if (l - s->nlanes >= SESSION_MAX_NEW)
		return -EINVAL;
	while (s->nlanes <= l) {
		if (session_add_lane(s, "", LANE_WORKER) < 0)
			return -ENOMEM;
		s->lanes[s->nlanes - 1].kind_open = true;
	}
	return 0;
}

/* Make tasks up to index t exist (named ""); 0, -EINVAL, -ENOMEM. */
static int session_grow_tasks(struct session *s, uint32_t t)
{
	if (t < s->ntasks)
		return 0;
	if (t - s->ntasks >= SESSION_MAX_NEW)
		return -EINVAL;
	if (t >= s->tasks_cap) {
		uint32_t cap = s->tasks_cap ? s->tasks_cap : 16;
		while (cap <= t)
			cap *= 2;
		char **p = realloc(s->tasks, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		s->tasks = p;
		s->tasks_cap = cap;
	}
	while (s->ntasks <= t)
		s->tasks[s->ntasks++] = NULL;    /* session_task_name gives "" */
	return 0;
}

/* Apply a piece of task t's name; 0, -EINVAL or -ENOMEM. */
static int session_task_piece(struct session *s, const struct cv_event *ev)
{
	char *cur = s->tasks[ev->task];
	size_t have = cur ? strlen(cur) : 0;
	char *buf = realloc(cur, CV_NAME_MAX + 1);
	if (!buf)
		return -ENOMEM;
	memset(buf + have, 0, CV_NAME_MAX + 1 - have); /* a whole name was cut to fit:
	                                                  pieces past it append */
	s->tasks[ev->task] = buf;
	int rc = cv_name_apply(buf, CV_NAME_MAX + 1, ev);
	if (rc < 0)
		return -EINVAL;
	if (rc == 1) {                  /* whole: give back the rest */
		char *fit = realloc(buf, strlen(buf) + 1);
		if (fit)
			s->tasks[ev->task] = fit;
	}
	return 0;
}

/* Take what an event says about the session itself; see session.h. */
int session_take(struct session *s, const struct cv_event *ev)
{
	int rc;
	switch (ev->kind) {
	case EV_LANE_START: {
		if ((rc = session_grow_lanes(s, ev->lane)) < 0)
			return rc;
		struct session_lane *l = &s->lanes[ev->lane];
		if (ev->arg && ev->arg <= UINT32_MAX)
			l->pid = (uint32_t)ev->arg;
		if (ev->aux)
			l->tid = ev->aux;
		if (l->kind_open && ev->code <= LANE_MAIN)
			l->kind = (uint8_t)ev->code;    /* set once, as the lane appears */
		l->kind_open = false;
		return 0;
	}
	case EV_LANE_NAME: {
		if ((rc = session_grow_lanes(s, ev->lane)) < 0)
			return rc;
		struct session_lane *l = &s->lanes[ev->lane];
		return cv_name_apply(l->name, sizeof l->name, ev) < 0 ? -EINVAL : 0;
	}
	case EV_TASK_NAME:
		if (ev->task == CV_NO_TASK)
			return -EINVAL;
		if ((rc = session_grow_tasks(s, ev->task)) < 0)
			return rc;
		return session_task_piece(s, ev);
	default:
		return 0;
	}
}

/* session_take for n events; -ENOMEM or how many were refused. */
long session_take_many(struct session *s, const struct cv_event *ev, size_t n)
{
	long bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != EV_LANE_START && ev[i].kind != EV_LANE_NAME &&
		    ev[i].kind != EV_TASK_NAME)
			continue;
		int rc = session_take(s, &ev[i]);
		if (rc == -ENOMEM)
			return rc;
		bad += rc < 0;
	}
	return bad;
}
