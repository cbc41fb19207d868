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
	int fail = 0;
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
