/*
 * app_replay.c - the replay UI: a recording played back into a timeline.
 *
 * The recording is read a chunk at a time (replay_next) and its events are
 * added to a timeline as the play head (player.c) passes them, so the first
 * frame is on screen as soon as the header and the first chunk are read,
 * whatever the file's size. Each frame spends at most ~25 ms feeding events,
 * so the UI answers keys while a big file loads (End = load everything) or
 * a seek backwards rebuilds the timeline from the start of the file.
 * Every view works as on a live run; the findings are brought up to date
 * at most every 250 ms as the timeline grows, and read afresh after a seek
 * back. UI thread only.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "app_int.h"
#include "clock.h"
#include "findings.h"
#include "player.h"
#include "record.h"
#include "stats.h"
#include "timeline.h"
#include "tui.h"

#define RP_FEED_NS 25000000ull  /* feeding budget per frame */

struct app_rp {
	struct app_ui ui;
	const char *path;
	struct session s;
	struct timeline tl;
	struct replay *rp;
	const struct cv_event *chunk; /* the chunk being fed (valid until the next read) */
	long nchunk, ichunk;
	bool eof;                     /* every chunk has been read */
	int64_t last;                 /* newest event time read, ns from origin; -1 none */
	uint64_t nread;               /* events read from the file */
	struct player pl;
	struct cv_summary sum;        /* this recording's summary (Compare view) */
	struct finding_brief brief;   /* and its top finding */
	struct app_findings af;       /* the findings of what is fed so far */
	char problem[320];            /* damage found while reading, "" when none */
};

/* Time of an event relative to the timeline's origin. */
static int64_t rp_rel(const struct app_rp *R, const struct cv_event *ev)
{
	uint64_t o = R->tl.origin_set ? R->tl.origin : R->s.start_mono_ns;
	if (!R->tl.origin_set && o == 0)
		return 0; /* the first event will be time 0 */
	return (int64_t)(ev->t - o);
}

/* Read the next chunk; false at the end (clean, cut short or damaged). */
static bool rp_read_chunk(struct app_rp *R)
{
	const struct cv_event *ev = NULL;
	long n = replay_next(R->rp, &ev);
	if (n > 0) {
		R->chunk = ev;
		R->nchunk = n;
		R->ichunk = 0;
		return true;
	}
	R->eof = true;
	R->chunk = NULL;
	R->nchunk = R->ichunk = 0;
	if (n < 0)
		snprintf(R->problem, sizeof R->problem, "%s; showing the events before it",
			 replay_error(R->rp));
	else if (replay_truncated(R->rp))
		snprintf(R->problem, sizeof R->problem, "%s was cut short; showing its complete chunks",
			 R->path);
	if (R->problem[0])
		app_ui_message(&R->ui, 0, "%s", R->problem);
	player_set_end(&R->pl, R->last < 0 ? 0 : R->last, true);
	return false;
}

/* Feed the events up to the play head into the timeline, for at most
 * RP_FEED_NS; returns how many were added. */
static size_t rp_feed(struct app_rp *R)
{
	uint64_t start = clock_ns();
	size_t added = 0;
	for (;;) {
		if (R->ichunk >= R->nchunk && (R->eof || !rp_read_chunk(R)))
			break;
		const struct cv_event *ev = &R->chunk[R->ichunk];
		int64_t t = rp_rel(R, ev);
		if (t > R->pl.pos)
			break;
		if (session_take(&R->s, ev) == 0 && session_knows(&R->s, ev) &&
		    timeline_add(&R->tl, ev) == 0)
			added++;
		R->ichunk++;
		R->nread++;
		t = rp_rel(R, ev);
		if (t > R->last) {
			R->last = t;
			player_set_end(&R->pl, t, false);
		}
		if ((added & 4095) == 0 && clock_ns() - start > RP_FEED_NS)
			break;
	}
	if (added)
		R->ui.dirty = true;
	return added;
}

/* (Re)open the recording and start an empty timeline; 0 or -1 (err set). */
static int rp_open(struct app_rp *R, char *err, size_t errlen)
{
	struct session s2;
	memset(&s2, 0, sizeof s2);
	struct replay *rp = replay_open(R->path, R->rp ? &s2 : &R->s, err, errlen);
	if (!rp)
		return -1;
	if (R->rp) { /* reopened: the header was read before */
		session_free(&s2);
		replay_close(R->rp);
		timeline_free(&R->tl);
	}
	R->rp = rp;
	timeline_init(&R->tl, R->s.start_mono_ns);
	R->chunk = NULL;
	R->nchunk = R->ichunk = 0;
	R->eof = false;
	R->nread = 0;
	return 0;
}

/* Seek: going backwards rebuilds the timeline from the file's start. */
static void rp_seek_back(struct app_rp *R)
{
	char err[320];
	int64_t end = R->pl.end;
	bool final = R->pl.end_final;
	if (rp_open(R, err, sizeof err) < 0) {
		app_ui_message(&R->ui, 0, "concviz: %s", err);
		return;
	}
	player_set_end(&R->pl, end, final); /* what was learnt about the end stays */
	app_findings_reset(&R->af, 0);
	if (final)
		R->eof = false;
	R->ui.vs.sel_lane = -1;
	R->ui.dirty = true;
}

/* Fill the view context of the current frame. */
static void rp_ctx(struct app_rp *R, struct view_ctx *ctx, uint64_t now)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->s = &R->s;
	ctx->tl = &R->tl;
	ctx->vs = &R->ui.vs;
	ctx->replay = true;
	ctx->speed = R->pl.speed;
	ctx->done = R->eof && R->ichunk >= R->nchunk;
	int64_t head = R->pl.pos;
	int64_t known = R->eof ? R->last : R->tl.now;
	if (head > known)
		head = known; /* the head ran ahead of the file (or seeks to its end) */
	ctx->now = head < 0 ? 0 : head;
	ctx->message = app_ui_msg_now(&R->ui, now);
	R->ui.vs.paused = !R->pl.playing;
	if (app_findings_update(&R->af, &R->s, &R->tl, ctx->done, now))
		R->ui.dirty = true;
	ctx->findings = &R->af.fs.list;
	if (R->ui.view == VIEW_COMPARE) {
		stats_summarize(&R->s, &R->tl, &R->sum);
		findings_brief(&R->af.fs.list, &R->brief);
		ctx->runs = &R->sum;
		ctx->briefs = &R->brief;
		ctx->nruns = 1;
	}
}

/* Apply one action of the replay UI; returns false to quit. */
static bool rp_action(struct app_rp *R, const struct key_action *a, const struct view_ctx *ctx)
{
	uint64_t now = clock_ns();
	switch (a->act) {
	case ACT_NONE:
		return true;
	case ACT_QUIT:
		return false;
	case ACT_PAUSE:
		if (player_toggle(&R->pl, now))
			rp_seek_back(R);
		break;
	case ACT_SPEED_UP: player_faster(&R->pl); break;
	case ACT_SPEED_DOWN: player_slower(&R->pl); break;
	case ACT_STEP: player_step(&R->pl); break;
	case ACT_SEEK_START:
		player_seek(&R->pl, 0);
		rp_seek_back(R);
		view_fit(&R->ui.vs);
		break;
	case ACT_SEEK_END:
		player_seek_end(&R->pl);
		view_fit(&R->ui.vs);
		break;
	case ACT_SCRUB_BACK:
		if (player_scrub(&R->pl, -1))
			rp_seek_back(R);
		break;
	case ACT_SCRUB_FWD:
		player_scrub(&R->pl, 1);
		break;
	default:
		if (keys_live_only(a->act))
			app_ui_message(&R->ui, 4, "this is a replay: it cannot switch or record runs; "
				       "use `concviz run` for that");
		else
			app_ui_navigate(&R->ui, a, ctx);
		return true;
	}
	R->ui.dirty = true;
	return true;
}

/* Open the UI on a recording; see app.h. */
int app_replay(const char *path, double speed)
{
	char err[512];
	struct app_rp *R = calloc(1, sizeof *R);
	if (!R) {
		fprintf(stderr, "concviz: out of memory; close other programs and retry\n");
		return 1;
	}
	R->path = path;
	R->last = -1;
	app_findings_init(&R->af);
	player_init(&R->pl, speed);
	if (rp_open(R, err, sizeof err) < 0) {
		fprintf(stderr, "concviz: %s\n", err);
		app_findings_free(&R->af);
		free(R);
		return 1;
	}
	int status = 0;
	if (tui_check(err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		status = 2;
		goto out;
	}
	setlocale(LC_ALL, "");
	status = app_ui_open(&R->ui);
	if (status)
		goto out;
	rp_read_chunk(R); /* the first frame shows as soon as this chunk is read */
	struct view_ctx ctx;
	uint64_t next = 0;
	for (;;) {
		if (tui_quit_signal()) {
			status = 128 + tui_quit_signal();
			break;
		}
		uint64_t now = clock_ns();
		bool was_playing = R->pl.playing;
		player_tick(&R->pl, now);
		if (was_playing || R->pl.playing)
			R->ui.dirty = true;
		if (now >= next) {
			rp_feed(R);
			rp_ctx(R, &ctx, now);
			if (R->ui.dirty)
				app_ui_render(&R->ui, &ctx);
			next = now + APP_FRAME_NS;
		}
		now = clock_ns();
		int wait = next > now ? (int)((next - now) / 1000000) : 0;
		struct key_action a = app_ui_input(&R->ui, wait > 0 ? wait : 1, KEYS_REPLAY);
		if (a.act != ACT_NONE) {
			rp_ctx(R, &ctx, clock_ns());
			if (!rp_action(R, &a, &ctx))
				break;
			next = 0;
		}
	}
	app_ui_close(&R->ui);
out:
	replay_close(R->rp);
	timeline_free(&R->tl);
	session_free(&R->s);
	app_findings_free(&R->af);
	free(R);
	return status;
}
