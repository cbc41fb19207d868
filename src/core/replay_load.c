/*
 * replay_load.c - reading a whole recording into a timeline, on two cores.
 *
 * A reader thread reads, checks and decodes the chunks (replay_next: the
 * file, CRC-32C, zstd, the event columns) while the caller's thread adds
 * the events of the chunks before to the timeline, as a live run's
 * consumer does. The two halves cost about the same, so a load takes about
 * half as long with a second core. The reader stays at most READ_AHEAD
 * chunks ahead: replay_next keeps that many chunks' events valid
 * (REPLAY_BUFS). The replay's state (its error, its counts) belongs to the
 * reader until it has been joined. When no thread can be started, the
 * chunks are read in turn on the caller's thread.
 */
#include "record.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "timeline.h"

#define READ_AHEAD (REPLAY_BUFS - 2)   /* queued, besides one being built and one being read */

/* One chunk handed over: its events and count (<= 0: the end, as
 * replay_next returned it) and its number in the file. */
struct rl_chunk {
	const struct cv_event *ev;
	long n;
	uint32_t no;
};

struct rl {
	struct replay *rp;
	bool threaded;               /* a reader thread runs */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rl_chunk q[READ_AHEAD];
	unsigned head, count;        /* chunks queued */
	bool stop;                   /* the loader gave up: the reader ends */
};

/* The reader thread: read chunks ahead until the end or until stopped. */
static void *rl_reader(void *arg)
{
	struct rl *L = arg;
	for (long n = 1; n > 0;) {
		pthread_mutex_lock(&L->mu);
		while (L->count == READ_AHEAD && !L->stop)
			pthread_cond_wait(&L->cv, &L->mu);
		bool stop = L->stop;
		pthread_mutex_unlock(&L->mu);
		if (stop)
			break;
		const struct cv_event *ev;
		n = replay_next(L->rp, &ev);
		struct rl_chunk c = { ev, n, replay_chunks(L->rp) };
		pthread_mutex_lock(&L->mu);
		L->q[(L->head + L->count) % READ_AHEAD] = c;
		L->count++;
		pthread_cond_broadcast(&L->cv);
		pthread_mutex_unlock(&L->mu);
	}
	return NULL;
}

/* Return the next chunk, from the reader or, without one, read now. */
static struct rl_chunk rl_next(struct rl *L)
{
	if (!L->threaded) {
		struct rl_chunk c = { NULL, 0, 0 };
		c.n = replay_next(L->rp, &c.ev);
		c.no = replay_chunks(L->rp);
		return c;
	}
	pthread_mutex_lock(&L->mu);
	while (!L->count)
		pthread_cond_wait(&L->cv, &L->mu);
	struct rl_chunk c = L->q[L->head];
	L->head = (L->head + 1) % READ_AHEAD;
	L->count--;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	return c;
}

/* Stop the reader (if it still runs) and wait for it: the replay is the
 * caller's again. */
static void rl_end(struct rl *L)
{
	if (!L->threaded)
		return;
	pthread_mutex_lock(&L->mu);
	L->stop = true;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	pthread_join(L->th, NULL);
	pthread_cond_destroy(&L->cv);
	pthread_mutex_destroy(&L->mu);
	L->threaded = false;
}

/* Start the reader thread; without one, rl_next reads in turn. */
static void rl_start(struct rl *L, struct replay *rp)
{
	memset(L, 0, sizeof *L);
	L->rp = rp;
	if (pthread_mutex_init(&L->mu, NULL))
		return;
	if (pthread_cond_init(&L->cv, NULL)) {
		pthread_mutex_destroy(&L->mu);
		return;
	}
	L->threaded = pthread_create(&L->th, NULL, rl_reader, L) == 0;
	if (!L->threaded) {
		pthread_cond_destroy(&L->cv);
		pthread_mutex_destroy(&L->mu);
	}
}

/* Add one chunk's events to s and tl: 0, or -ENOMEM or -EINVAL (an event
 * the session refused or does not know, or the timeline refused) with *bad
 * the index of the event. On an error the session may have taken events
 * past it (the load fails as a whole). */
static int rl_add(struct session *s, struct timeline *tl, const struct rl_chunk *c, long *bad)
{
	/* lanes and tasks may appear mid-run; anything else must be known to
	 * the header (a crafted file must not make the timeline allocate for
	 * 16 million lanes). The session takes the chunk's events up to the
	 * first it refuses or does not know, then the timeline those events,
	 * in one batch. */
	long i = 0;
	int e = 0;
	while (i < c->n && (e = session_take(s, &c->ev[i])) == 0 && session_knows(s, &c->ev[i]))
		i++;
	if (i < c->n && e == 0)
		e = -EINVAL;                    /* not known to the session */
	size_t added;
	int te = timeline_add_all(tl, c->ev, (size_t)i, &added);
	if (te < 0) {                           /* the timeline's error comes first */
		e = te;
		i = (long)added;
	}
	*bad = i;
	return e == -ENOMEM ? -ENOMEM : e < 0 ? -EINVAL : 0;
}

/* Read a whole recording into s and tl; see record.h. */
int replay_load(const char *path, struct session *s, struct timeline *tl,
		char *err, size_t errlen)
{
	timeline_init(tl, 0);
	struct replay *rp = replay_open(path, s, err, errlen);
	if (!rp)
		return -1;
	timeline_init(tl, s->start_mono_ns);
	struct rl L;
	rl_start(&L, rp);
	uint64_t events = 0;          /* events of the chunks added */
	struct rl_chunk c;
	int rc = 0;
	long bad = 0;
	while ((c = rl_next(&L)).n > 0 && !(rc = rl_add(s, tl, &c, &bad)))
		events += (uint64_t)c.n;
	rl_end(&L);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory after %llu events; close other programs",
			 path, (unsigned long long)(events + (uint64_t)bad));
	else if (rc)
		snprintf(err, errlen, "%s: chunk %u is corrupt (event %ld names lane %u, task %u; "
			 "%u lanes, %u tasks are known)", path, c.no, bad, c.ev[bad].lane,
			 c.ev[bad].task, s->nlanes, s->ntasks);
	else if (c.n < 0)
		snprintf(err, errlen, "%s", replay_error(rp));
	else if (replay_truncated(rp))
		snprintf(err, errlen, "%s: cut short (the recording was not closed); loaded its "
			 "first %llu events", path, (unsigned long long)events);
	else
		err[0] = 0;
	replay_close(rp);
	return rc || c.n < 0 ? -1 : 0;
}
