/*
 * fuzz_findings.c - libFuzzer target for the findings: any bytes become a
 * session and an event stream (a crafted recording can hold any events),
 * which is built into a timeline as a replay does, with the findings
 * brought up to date as it grows (live) and once more at the end. The
 * findings must never crash, hang or read out of bounds, and must hold
 * their promises: an update as events arrive gives the same list as one
 * update of the whole timeline; every finding has an id, a text, a time
 * range in order, a finite positive speed-up when it suggests something.
 *
 * Input: byte 0 the mode, byte 1 the cores, byte 2 flags (1: GIL; 2: set a
 * deadlock, 4: a race counter, 8: lock waits, from the last bytes), then
 * 12-byte events: time step (us, 2 bytes), lane (16), task (64, 255 none),
 * kind, code, aux (2 bytes), arg (4 bytes).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings.h"

#define FZ_T0 1000000000ull

/* Read a little-endian number of n bytes at p. */
static uint32_t fz_get(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Check the promises of a list; trap when one is broken. */
static void fz_check(const struct findings *l)
{
	for (int i = 0; i < l->n; i++) {
		const struct finding *f = &l->f[i];
		if (!f->id[0] || !f->text[0] || strnlen(f->text, sizeof f->text) == sizeof f->text ||
		    f->t0 > f->t1)
			__builtin_trap();
		if (f->has_suggest && (!isfinite(f->suggest.speedup) || f->suggest.speedup <= 0))
			__builtin_trap();
		if (i && (l->f[i - 1].severity < f->severity))
			__builtin_trap();    /* warnings first */
	}
}

/* Set the timeline's lock fields from the last bytes of the input. */
static void fz_locks(struct timeline *tl, uint8_t flags, const uint8_t *t, size_t n)
{
	if (n < 16 || !tl->nlanes)
		return;
	if (flags & 2) {
		tl->deadlock.detected = true;
		tl->deadlock.t_formed = (int64_t)fz_get(t, 2) * 1000;
		tl->deadlock.t_detected = tl->deadlock.t_formed + (int64_t)fz_get(t + 2, 2) * 1000;
		tl->deadlock.n = t[4] % (TL_CYCLE_MAX + 3);
		for (int i = 0; i < TL_CYCLE_MAX; i++) {
			tl->deadlock.lanes[i] = t[5 + i % 8] % (uint32_t)tl->nlanes;
			tl->deadlock.locks[i] = t[i % 16];
		}
	}
	if (flags & 4)
		tl->race = (struct tl_race){ true, fz_get(t, 4), fz_get(t + 4, 4), fz_get(t + 8, 2),
					     (int64_t)fz_get(t + 10, 2) * 1000 - 1 };
	if (flags & 8)
		for (size_t l = 0; l < tl->nlanes; l++) {
			tl->lanes[l].wait_lock = t[l % 16] < 128 ? t[l % 16] % 3 : TL_NO_LOCK;
			tl->lanes[l].wait_since = (int64_t)t[(l + 1) % 16] * 1000000;
		}
}

/* Build a run from the input and check its findings, live and whole. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	struct cv_params p;
	params_default(&p);
	p.mode = (enum cv_mode)(data[0] % MODE_COUNT);
	p.gil = data[2] & 1;
	p.tasks = 64;
	struct session s;
	if (session_init(&s, &p) < 0)
		return 0;
	s.cores = 1 + data[1] % 8;
	s.start_mono_ns = FZ_T0;
	for (int l = 0; l < 16; l++)
		session_add_lane(&s, l == 0 && p.mode == MODE_ASYNC ? "loop" : "w",
				 l == 0 && p.mode == MODE_ASYNC ? LANE_LOOP : p.mode == MODE_ASYNC ? LANE_TASK
													    : LANE_WORKER);
	struct timeline tl;
	timeline_init(&tl, FZ_T0);
	struct findings_state live, whole;
	findings_state_init(&live);
	findings_state_init(&whole);
	struct findings_opts o;
	findings_opts_default(&o);
	o.live = true;
	uint64_t t = FZ_T0;
	size_t n = (size - 3) / 12;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *r = data + 3 + i * 12;
		t += (uint64_t)fz_get(r, 2) * 1000;
		struct cv_event ev = {
			.t = t, .arg = fz_get(r + 8, 4), .lane = r[2] % 16,
			.task = r[3] == 255 ? CV_NO_TASK : r[3] % 64, .kind = (uint16_t)(r[4] % EV_KIND_COUNT),
			.code = r[5], .aux = fz_get(r + 6, 2),
		};
		if (session_take(&s, &ev) == 0 && session_knows(&s, &ev))
			timeline_add(&tl, &ev);
		if (i % 5 == 4 && findings_update(&live, &s, &tl, &o) == 0)
			fz_check(&live.list);
	}
	fz_locks(&tl, data[2], data + size - 16, size);
	if (findings_update(&live, &s, &tl, NULL) == 0 && findings_update(&whole, &s, &tl, NULL) == 0) {
		fz_check(&whole.list);
		if (live.list.n != whole.list.n)
			__builtin_trap();
		for (int i = 0; i < whole.list.n; i++)
			if (strcmp(live.list.f[i].id, whole.list.f[i].id) ||
			    strcmp(live.list.f[i].text, whole.list.f[i].text))
				__builtin_trap();   /* incremental and whole disagree */
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			findings_print_json(f, &whole.list);
			findings_print_text(f, &whole.list, 3);
			fclose(f);
		}
	}
	findings_state_free(&live);
	findings_state_free(&whole);
	timeline_free(&tl);
	session_free(&s);
	return 0;
}
