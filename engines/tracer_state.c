/*
 * tracer_state.c - placing a traced thread's states in time (tracer_state.h).
 *
 * An interval of d ns ending with the thread runnable is drawn as ready for
 * what the run queue counter owes (at most d), then running for the rest:
 * a running thread's run time lags by up to one timer tick, so the running
 * part is drawn ahead of the counter and the debt goes negative until the
 * counter catches up. An interval ending blocked is drawn as ready, then
 * running, each for what its counter owes (at most what is left), then the
 * blocked state for the rest; a debt drawn ahead is thereby paid back.
 * With a known instant at which it ran (and blocked before it), the ready
 * and running parts end at that instant; the blocked state shown before
 * goes on until they begin.
 */
#include <string.h>
#include "tracer_state.h"

/* Start a thread's state: nothing drawn, blocked idle. */
void tstate_init(struct tstate *st)
{
	memset(st, 0, sizeof *st);
	st->blocked = EV_IDLE;
}

/* Add the counters' growth since the last sample. */
void tstate_observe(struct tstate *st, uint64_t d_run, uint64_t d_wait)
{
	st->debt_cpu += (int64_t)d_run;
	st->debt_ready += (int64_t)d_wait;
}

/* Append a state event at t unless it is what is shown already. */
static int tstate_emit(struct tstate *st, uint64_t t, uint32_t lane, uint16_t kind, uint32_t aux,
		       struct cv_event *out)
{
	if (st->shown == kind && st->shown_aux == aux)
		return 0;
	st->shown = kind;
	st->shown_aux = aux;
	*out = (struct cv_event){ t, 0, lane, CV_NO_TASK, kind, 0, aux };
	return 1;
}

/* Take up to d ns from a debt; returns what was taken (0 when none is owed). */
static uint64_t tstate_take(int64_t *debt, uint64_t d)
{
	if (*debt <= 0)
		return 0;
	uint64_t k = (uint64_t)*debt < d ? (uint64_t)*debt : d;
	*debt -= (int64_t)k;
	return k;
}

/* Draw [t0, t1) of lane; see tracer_state.h. */
int tstate_fill(struct tstate *st, uint64_t t0, uint64_t t1, uint32_t lane, uint64_t ran,
		struct cv_event out[3])
{
	int n = 0;
	if (t1 <= t0)
		return 0;
	uint64_t d = t1 - t0, t = t0;
	if (!st->runnable && ran > t0 && ran <= t1 && st->shown && st->shown != EV_CPU &&
	    st->shown != EV_READY) {
		uint64_t owed = (st->debt_ready > 0 ? (uint64_t)st->debt_ready : 0) +
				(st->debt_cpu > 0 ? (uint64_t)st->debt_cpu : 0);
		if (owed < ran - t0) {          /* blocked until it woke to run up to `ran` */
			t = ran - owed;
			d = t1 - t;
		}
	}
	uint64_t r = tstate_take(&st->debt_ready, d);
	if (r) {
		n += tstate_emit(st, t, lane, EV_READY, 0, &out[n]);
		t += r;
		d -= r;
	}
	if (st->runnable) {
		if (d) {
			n += tstate_emit(st, t, lane, EV_CPU, 0, &out[n]);
			st->debt_cpu -= (int64_t)d;    /* drawn ahead of the counter */
			if (st->debt_cpu < TSTATE_DEBT_MIN)
				st->debt_cpu = TSTATE_DEBT_MIN;
		}
		return n;
	}
	uint64_t c = tstate_take(&st->debt_cpu, d);
	if (c) {
		n += tstate_emit(st, t, lane, EV_CPU, 0, &out[n]);
		t += c;
		d -= c;
	}
	if (d)
		n += tstate_emit(st, t, lane, st->blocked, st->blocked_aux, &out[n]);
	return n;
}
