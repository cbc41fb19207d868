/*
 * fuzz_locks.c - libFuzzer target for what the timeline makes of lock and
 * race events (src/core/locks.c, racetally.c, lanemarks.c) and how the
 * views draw it: any bytes become an event stream dense in lock waits,
 * takes, frees, race reports and lane ends (10 bytes an event: kind, lane,
 * task, lock, a time step, arg), fed to timeline_add as a recording would
 * be, then every query a view makes is asked and a Gantt and a Log are
 * drawn. Nothing may crash, read out of bounds, loop for ever, or find a
 * deadlock whose lanes do not each wait for the lock the next one holds.
 *
 * Seeds (tests/fuzz/seeds/fuzz_locks/) are small streams: a two-lane cycle,
 * a race, waits with unknown holders.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "canvas.h"
#include "locks.h"
#include "racetally.h"
#include "session.h"
#include "stats.h"
#include "timeline.h"
#include "view.h"

#define FUZZ_LANES 24

/* Map a byte to an event kind, mostly lock and race kinds. */
static uint16_t fuzz_kind(uint8_t b)
{
	static const uint16_t kinds[] = {
		EV_LOCK_WAIT, EV_LOCK_WAIT, EV_LOCK_TAKE, EV_LOCK_TAKE, EV_LOCK_FREE, EV_RACE,
		EV_RACE, EV_CPU, EV_IO, EV_TASK_BEGIN, EV_TASK_FAIL, EV_LANE_START, EV_LANE_END,
		EV_MARK, EV_LOCK, EV_READY,
	};
	return kinds[b % (sizeof kinds / sizeof kinds[0])];
}

/* Check the recorded deadlock: each lane waited for the lock the next holds
 * when it was found (the timeline's state may have moved on since; only
 * shape is checked here). */
static void fuzz_check(const struct timeline *tl)
{
	const struct tl_deadlock *d = &tl->deadlock;
	if (!d->detected)
		return;
	if (d->n == 0 || d->t_detected < d->t_formed)
		__builtin_trap();
	uint32_t kept = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	for (uint32_t i = 0; i < kept; i++)
		if (d->lanes[i] >= tl->nlanes || !tl->lanes[d->lanes[i]].deadlocked)
			__builtin_trap();
}

/* Feed the input as an event stream, query and draw what it made. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_params p;
	struct session s;
	struct timeline tl;
	params_default(&p);
	p.workload = data && size && data[0] & 1 ? WL_DEADLOCK : WL_RACE;
	if (session_init(&s, &p) < 0)
		return 0;
	timeline_init(&tl, 1000);
	uint64_t t = 1000;
	for (size_t i = 1; i + 10 <= size; i += 10) {
		const uint8_t *b = data + i;
		struct cv_event ev = {
			.t = t += b[4] * 1000u,
			.arg = b[5] & 0x80 ? (uint64_t)b[6] << 40 | b[7] : (uint64_t)(b[6] % (FUZZ_LANES + 2)),
			.lane = b[1] % FUZZ_LANES,
			.task = b[2] == 0xff ? CV_NO_TASK : b[2] % 16,
			.kind = fuzz_kind(b[0]),
			.code = b[8] % 6,
			.aux = b[3] & 0x80 ? 0xdead0000u | b[3] : b[3] % 4,
		};
		if (ev.kind == EV_MARK)
			ev.aux = b[9] % 2 ? MARK_DEADLOCK : MARK_RUN_END;
		if (timeline_add(&tl, &ev) < 0)
			break;
	}
	fuzz_check(&tl);
	char buf[512];
	stats_cycle_text(&s, &tl, false, true, buf, sizeof buf);
	stats_cycle_text(&s, &tl, true, false, buf, sizeof buf);
	const struct lanemark *m;
	for (uint32_t l = 0; l < FUZZ_LANES; l++) {
		locks_wait_at(&tl, l, tl.now);
		racetally_losses(&tl, l, 0, tl.now + 1, &m);
	}
	struct view_state vs;
	view_state_init(&vs);
	struct view_ctx ctx = { .s = &s, .tl = &tl, .vs = &vs, .now = -1, .speed = 1, .done = true };
	struct canvas c;
	if (canvas_init(&c, 100, 30, true) == 0) {
		view_draw(&c, VIEW_GANTT, &ctx);
		for (int l = 0; l < FUZZ_LANES && l < (int)tl.nlanes; l++)
			view_detail(&ctx, l, tl.now / 2, buf, sizeof buf);
		view_draw(&c, VIEW_LOG, &ctx);
		canvas_free(&c);
	}
	timeline_free(&tl);
	session_free(&s);
	return 0;
}
