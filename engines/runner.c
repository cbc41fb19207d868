/*
 * runner.c - one live run: the process-wide origin and ring, and per run the
 * session, the engine, the timeline, the event log and the recorder.
 *
 * Process-wide (made on first use, kept for later runs): the embedded origin
 * (reconfigured for each run's latency/jitter/size/fail-rate) and the event
 * ring, which must exist before the procs engine forks. Runs are sequential:
 * one runner at a time owns the ring's consumer side; runner_stop drains the
 * ring to the end so the next run starts with it empty.
 *
 * Threads: every runner_* function runs on the consumer thread (the UI
 * thread or the headless main thread). The engine's threads and processes
 * only push into the ring.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "emit.h"
#include "engine.h"
#include "origin.h"
#include "record.h"
#include "ring.h"
#include "runner.h"

#define RUNNER_RING_SLOTS 32768             /* per producer */
#define RUNNER_BATCH 1024                   /* events popped per ring_pop */
#define RUNNER_DRAIN_MAX (RUNNER_RING_SLOTS * 2) /* per runner_drain call */
#define RUNNER_STOP_NS (15ull * 1000000000u) /* runner_stop waits at most this */
#define RUNNER_QUIET_NS (1000ull * 1000000u) /* finished engine, no end marker */
#define RUNNER_DEADLOCK_SHOW_NS (1000ull * 1000000u) /* a deadlock stands this long */

static pthread_mutex_t runner_lock = PTHREAD_MUTEX_INITIALIZER;
static struct origin *runner_origin;    /* the embedded origin, once started */
static struct ring *runner_ring;        /* the process-wide ring */
static char runner_url_buf[2][64];      /* "http://127.0.0.1:PORT/a" and "/b" */
static char *runner_urls[2] = { runner_url_buf[0], runner_url_buf[1] };
static const struct runner *runner_quiet_of; /* the run seen quiet since... */
static uint64_t runner_quiet_since;

/* Start the embedded origin, or reconfigure it for p; 0 or -1 with err set. */
static int runner_origin_for(const struct cv_params *p, char *err, size_t errlen)
{
	struct origin_cfg cfg;
	origin_cfg_default(&cfg);
	cfg.latency_ms = p->latency_ms;
	cfg.jitter_ms = p->jitter_ms;
	cfg.size = p->size;
	cfg.fail_rate = p->fail_rate;
	pthread_mutex_lock(&runner_lock);
	int rc = 0;
	if (runner_origin) {
		origin_configure(runner_origin, &cfg);
	} else {
		char why[200] = "";
		runner_origin = origin_start(&cfg, why, sizeof why);
		if (!runner_origin) {
			snprintf(err, errlen, "%s", why[0] ? why
				 : "concviz: cannot start the embedded origin on 127.0.0.1; check loopback networking");
			rc = -1;
		} else {
			int port = origin_port(runner_origin);
			snprintf(runner_url_buf[0], sizeof runner_url_buf[0], "http://127.0.0.1:%d/a", port);
			snprintf(runner_url_buf[1], sizeof runner_url_buf[1], "http://127.0.0.1:%d/b", port);
		}
	}
	pthread_mutex_unlock(&runner_lock);
	return rc;
}

/* Make the process-wide ring on first use and point emit_ring at it; throw
 * away anything a previous, abandoned run left in it. 0 or -1 (err set). */
static int runner_ring_ready(char *err, size_t errlen)
{
	pthread_mutex_lock(&runner_lock);
	if (!runner_ring)
		runner_ring = ring_new(RUNNER_RING_SLOTS);
	emit_ring = runner_ring;
	pthread_mutex_unlock(&runner_lock);
	if (!runner_ring) {
		snprintf(err, errlen, "concviz: cannot map the event ring (%s); free some memory",
			 strerror(errno));
		return -1;
	}
	struct cv_event junk[RUNNER_BATCH];
	while (ring_pop(runner_ring, junk, RUNNER_BATCH) > 0)
		;
	return 0;
}

/* Start a run of p (see runner.h). */
int runner_start(struct runner *r, const struct cv_params *p, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (session_init(&r->session, p) < 0) {
		snprintf(err, errlen, "concviz: out of memory starting the run; free some memory");
		return -1;
	}
	r->params = r->session.params;   /* strings owned by the session */
	char **urls = r->params.urls;
	int nurls = r->params.nurls;
	bool traced = p->mode == MODE_TRACE;
	if ((p->workload == WL_IO && nurls <= 0 && !traced) || (traced && !p->attach_pid)) {
		/* a traced program gets the origin too (CONCVIZ_ORIGIN) */
		if (runner_origin_for(p, err, errlen) < 0)
			goto fail;
		urls = runner_urls;
		nurls = 2;
		if (!traced)
			r->session.ideal_latency_ms = p->latency_ms + p->jitter_ms / 2;
	}
	if (runner_ring_ready(err, errlen) < 0)
		goto fail;
	timeline_init(&r->tl, r->session.start_mono_ns);
	int rc = engine_start(&r->engine, &r->params, &r->session, urls, nurls, err, errlen);
	if (rc < 0) {
		timeline_free(&r->tl);
		session_free(&r->session);
		memset(r, 0, sizeof *r);
		r->start_error = rc;
		return -1;
	}
	return 0;
fail:
	session_free(&r->session);
	memset(r, 0, sizeof *r);
	return -1;
}

/* Append n events to the run's log, growing it; 0 or -ENOMEM. */
static int runner_log(struct runner *r, const struct cv_event *ev, size_t n)
{
	if (r->nlog + n > r->log_cap) {
		size_t cap = r->log_cap ? r->log_cap : 4096;
		while (cap < r->nlog + n)
			cap *= 2;
		struct cv_event *grown = realloc(r->log, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		r->log = grown;
		r->log_cap = cap;
	}
	memcpy(r->log + r->nlog, ev, n * sizeof *ev);
	r->nlog += n;
	return 0;
}

/* Record a runtime failure (the first one wins). */
static void runner_fail(struct runner *r, const char *msg)
{
	if (r->exit_status == 0) {
		r->exit_status = 1;
		snprintf(r->err, sizeof r->err, "%s", msg);
	}
}

/* The run is over: decide whether it met a runtime failure (nothing could
 * be reached: every io task failed to connect or resolve). */
static void runner_judge(struct runner *r)
{
	if (r->params.mode == MODE_TRACE || r->params.workload != WL_IO || r->tl.ntasks == 0)
		return;
	size_t unreachable = 0;
	for (size_t i = 0; i < r->tl.ntasks; i++) {
		const struct tl_task *t = &r->tl.tasks[i];
		if (t->state == TASK_FAILED && (t->reason == FAIL_REFUSED || t->reason == FAIL_DNS))
			unreachable++;
	}
	if (unreachable == r->tl.ntasks) {
		char msg[256];
		snprintf(msg, sizeof msg, "concviz: no URL could be reached (%zu of %zu tasks refused "
			 "or not resolved); check the URLs and the network", unreachable, r->tl.ntasks);
		runner_fail(r, msg);
	}
}

/* Hand n popped events to the timeline, the log and the recorder. */
static void runner_take(struct runner *r, const struct cv_event *buf, size_t n)
{
	if (session_take_many(&r->session, buf, n) == -ENOMEM)
		runner_fail(r, "concviz: out of memory naming lanes and tasks; use fewer tasks");
	if (timeline_add_many(&r->tl, buf, n) < 0)
		runner_fail(r, "concviz: out of memory building the timeline; use fewer tasks");
	if (runner_log(r, buf, n) < 0)
		runner_fail(r, "concviz: out of memory keeping the event log; use fewer tasks");
	if (r->rec && recorder_write(r->rec, buf, n) < 0)
		runner_fail(r, recorder_error(r->rec));   /* already a whole line */
}

/* The timeline found a waits-for cycle in a built-in workload: say at once
 * that concviz saw it (MARK_DEADLOCK), let it stand RUNNER_DEADLOCK_SHOW_NS
 * so that it can be seen (or at once with now), then have the engine fail
 * the cycle's tasks (FAIL_DEADLOCK) and cancel the rest. A traced program's
 * cycle is its own business: nothing is ended there. */
static void runner_break_deadlock(struct runner *r, bool now)
{
	const struct tl_deadlock *d = &r->tl.deadlock;
	if (!d->detected || r->deadlock_broken || r->params.mode >= MODE_BUILTIN || !r->engine)
		return;
	if (!r->deadlock_seen) {
		r->deadlock_seen = clock_ns();
		cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_DEADLOCK, d->n);
	}
	if (!now && clock_ns() - r->deadlock_seen < RUNNER_DEADLOCK_SHOW_NS)
		return;
	r->deadlock_broken = true;
	engine_break_deadlock(r->engine, d->lanes, d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX);
}

/* Move waiting events into the timeline, the log and the recorder. */
size_t runner_drain(struct runner *r)
{
	struct cv_event buf[RUNNER_BATCH];
	size_t total = 0, n;
	if (!r->engine || !runner_ring)
		return 0;
	/* Read finished first: every event was pushed before it turned true. */
	bool engine_done = engine_finished(r->engine);
	while (total < RUNNER_DRAIN_MAX && (n = ring_pop(runner_ring, buf, RUNNER_BATCH)) > 0) {
		total += n;
		runner_take(r, buf, n);
	}
	runner_break_deadlock(r, false);
	if (engine_done && total == 0 && !r->finished) {
		if (r->tl.run_end >= 0) {
			r->finished = true;
			runner_judge(r);
		} else {
			/* Ended without its end marker: give up after a quiet second. */
			uint64_t now = clock_ns();
			if (runner_quiet_of != r) {
				runner_quiet_of = r;
				runner_quiet_since = now;
			} else if (now - runner_quiet_since > RUNNER_QUIET_NS) {
				r->finished = true;
				runner_fail(r, "concviz: the engine ended without ending its run; "
					    "please report this bug");
			}
		}
	}
	if (total)
		runner_quiet_of = NULL;
	return total;
}

/* Start recording this run to path, from its first event (see runner.h). */
int runner_record(struct runner *r, const char *path, bool force, char *err, size_t errlen)
{
	if (r->rec) {
		snprintf(err, errlen, "concviz: this run is already being recorded; stop it first");
		return -1;
	}
	struct recorder *rec = recorder_open(path, force, &r->session, err, errlen);
	if (!rec)
		return -1;
	if (r->nlog && recorder_write(rec, r->log, r->nlog) < 0) {
		snprintf(err, errlen, "%s", recorder_error(rec));   /* a whole line */
		char ignored[64];
		recorder_close(rec, ignored, sizeof ignored);
		return -1;
	}
	r->rec = rec;
	return 0;
}

/* Stop recording, flushing and closing the file; 0 or -1 (err set). */
int runner_record_stop(struct runner *r, char *err, size_t errlen)
{
	if (!r->rec)
		return 0;
	int rc = recorder_close(r->rec, err, errlen);
	r->rec = NULL;
	return rc < 0 ? -1 : 0;
}

/* Cancel the run, drain it to its end (bounded), join the engine, then take
 * whatever is left so the ring is empty for the next run. */
void runner_stop(struct runner *r)
{
	if (!r->engine)
		return;
	runner_break_deadlock(r, true);   /* a deadlock's tasks fail as such */
	if (!r->finished)
		engine_cancel(r->engine);
	uint64_t deadline = clock_ns() + RUNNER_STOP_NS;
	while (!r->finished && clock_ns() < deadline) {
		if (runner_drain(r) == 0)
			clock_sleep_ns(2000000);
	}
	engine_join(r->engine);
	r->engine = NULL;
	/* Every producer is gone: take the rest (a producer killed mid-push
	 * published nothing, so nothing can be stuck). */
	struct cv_event buf[RUNNER_BATCH];
	size_t n;
	while ((n = ring_pop(runner_ring, buf, RUNNER_BATCH)) > 0)
		runner_take(r, buf, n);
	r->finished = true;
}

/* Stop if needed, then free everything the run owns. */
void runner_free(struct runner *r)
{
	runner_stop(r);
	if (r->rec) {
		char ignored[256];
		recorder_close(r->rec, ignored, sizeof ignored);
		r->rec = NULL;
	}
	timeline_free(&r->tl);
	session_free(&r->session);
	free(r->log);
	memset(r, 0, sizeof *r);
}

/* Stop the process-wide embedded origin and unmap the ring (at exit). */
void runner_shutdown(void)
{
	pthread_mutex_lock(&runner_lock);
	origin_stop(runner_origin);
	runner_origin = NULL;
	if (runner_ring) {
		emit_ring = NULL;
		ring_free(runner_ring);
		runner_ring = NULL;
	}
	pthread_mutex_unlock(&runner_lock);
}
