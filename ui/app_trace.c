/*
 * app_trace.c - the live UI on a traced program (`concviz trace`, `attach`).
 *
 * Like the live UI of a built-in run (app.c) without switching runs: the
 * program is started (or attached to) before the terminal is taken over, so
 * a command that cannot run is one line on a plain terminal; then about 30
 * frames a second drain the tracer's events and draw the current view. The
 * program cannot scribble on the screen: its stdin is /dev/null, its stdout
 * and stderr are pipes shown in the Log view, and it runs in a session of
 * its own (no controlling terminal). The findings are kept up to date as
 * in a live run (every 250 ms, then once on the whole trace).
 *
 * Quitting: q (or Ctrl-C, SIGTERM, SIGHUP) while the program runs passes
 * SIGTERM (or that signal) on to it and quits once it ended; a program still
 * alive after the grace period is killed, and q again kills it at once.
 * After it ended, the UI stays on it (the header says how it ended) and q
 * quits. On an attached process q detaches and leaves it running. The exit
 * status is the program's. UI thread only.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "app_int.h"
#include "clock.h"
#include "runner.h"
#include "stats.h"
#include "tracer.h"
#include "tui.h"

struct app_tr {
	struct app_ui ui;
	struct runner run;
	char rec_path[64];         /* the recording in progress, "" when none */
	bool paused;
	bool quitting;             /* asked to quit: waiting for the program's end */
	int quit_sig;              /* the quit signal already passed on */
	bool said_degraded, said_escalated, said_end;
	bool said_sdk;             /* the SDK's trouble (off, no Python tracer, drops, rejects) */
	size_t nsum_runs;          /* 1 once finished: the Compare view's row */
	struct cv_summary sum;
	struct finding_brief brief;   /* ... and its top finding */
	struct app_findings af;
};

/* Fill the view context of the current frame. */
static void tr_ctx(struct app_tr *A, struct view_ctx *ctx, uint64_t now)
{
	memset(ctx, 0, sizeof *ctx);
	struct runner *r = &A->run;
	ctx->vs = &A->ui.vs;
	ctx->message = app_ui_msg_now(&A->ui, now);
	ctx->now = -1;
	ctx->speed = 1.0;
	ctx->s = &r->session;
	ctx->tl = &r->tl;
	ctx->live = !r->finished;
	ctx->done = r->finished;
	ctx->recording = r->rec != NULL;
	if (!r->finished && r->tl.origin_set && now > r->tl.origin)
		ctx->now = (int64_t)(now - r->tl.origin);
	if (app_findings_update(&A->af, &r->session, &r->tl, r->finished, now))
		A->ui.dirty = true;
	ctx->findings = &A->af.fs.list;
	if (r->finished) {
		stats_summarize(&r->session, &r->tl, &A->sum);
		findings_brief(&A->af.fs.list, &A->brief);
		ctx->runs = &A->sum;
		ctx->briefs = &A->brief;
		ctx->nruns = 1;
	}
}

/* Ask to quit: detach, or end the program (a second ask kills it now). */
static void tr_quit(struct app_tr *A, int sig)
{
	struct runner *r = &A->run;
	if (tracer_attached(r->engine)) {
		runner_stop(r);                     /* detaching is immediate */
		A->quitting = true;
		return;
	}
	if (A->quitting) {
		tracer_kill_now(r->engine);
		app_ui_message(&A->ui, 0, "killing the program (SIGKILL)...");
		return;
	}
	A->quitting = true;
	tracer_signal(r->engine, sig, false);
	app_ui_message(&A->ui, 0, "ending the program: SIG%s sent; SIGKILL in %.0f s (q again: now)",
		       sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", TRACER_GRACE_NS / 1e9);
}

/* Apply one action; returns false to quit now. */
static bool tr_action(struct app_tr *A, const struct key_action *a, const struct view_ctx *ctx)
{
	struct runner *r = &A->run;
	switch (a->act) {
	case ACT_NONE:
		return true;
	case ACT_QUIT:
		if (r->finished)
			return false;
		tr_quit(A, SIGTERM);
		return !(A->quitting && r->finished);
	case ACT_RECORD:
		if (r->rec)
			app_ui_record_stop(&A->ui, r, A->rec_path, "");
		else
			app_ui_record_start(&A->ui, r, A->rec_path, sizeof A->rec_path);
		break;
	case ACT_PAUSE:
		A->paused = !A->paused;
		A->ui.vs.paused = A->paused;
		if (A->paused)
			A->ui.vs.follow = false;
		else
			view_fit(&A->ui.vs);
		A->ui.dirty = true;
		break;
	default:
		if (keys_live_only(a->act))
			app_ui_message(&A->ui, 4, "this traces a program: there are no runs to switch; "
				       "use `concviz run` for the built-in models");
		else
			app_ui_navigate(&A->ui, a, ctx);
		break;
	}
	return true;
}

/* Say once what went wrong with the program's own task events: no
 * transport, no Python task tracer, events dropped or rejected (the header
 * keeps the counts). */
static void tr_check_sdk(struct app_tr *A, const struct tl_trace *t)
{
	if (A->said_sdk)
		return;
	A->said_sdk = t->sdk_off || t->sdk_python == MARK_PY_MISSING || t->sdk_dropped || t->sdk_rejected;
	if (t->sdk_off)
		app_ui_message(&A->ui, 10, "the SDK's transport could not be made (%s): no task "
			       "events from the program", strerror((int)t->sdk_off));
	else if (t->sdk_python == MARK_PY_MISSING)
		app_ui_message(&A->ui, 10, "the Python task tracer was not found (make install puts it "
			       "in share/concviz/python): threads only");
	else if (t->sdk_dropped || t->sdk_rejected)
		app_ui_message(&A->ui, 10, "the program's task events: %llu dropped (its buffer was full), "
			       "%llu malformed rejected", (unsigned long long)t->sdk_dropped,
			       (unsigned long long)t->sdk_rejected);
}

/* Say once what the tracer reported: lanes without blocking reasons, an
 * escalation, trouble with the program's task events, the program's end. */
static void tr_check(struct app_tr *A)
{
	struct runner *r = &A->run;
	const struct tl_trace *t = &r->tl.trace;
	tr_check_sdk(A, t);
	if (t->degraded && !A->said_degraded) {
		A->said_degraded = true;
		app_ui_message(&A->ui, 10, "%u lane%s of another user's program (setuid?): states from "
			       "/proc stat only (running or waiting)", t->degraded, t->degraded == 1 ? "" : "s");
	}
	if (t->escalated && !A->said_escalated) {
		A->said_escalated = true;
		app_ui_message(&A->ui, 0, "the program was still running %.0f s after the signal: "
			       "killed it (SIGKILL)", TRACER_GRACE_NS / 1e9);
	}
	if (r->finished && !A->said_end) {
		A->said_end = true;
		if (r->rec)
			app_ui_record_stop(&A->ui, r, A->rec_path, " (the program ended)");
		else if (r->exit_status && r->err[0])
			app_ui_message(&A->ui, 0, "%s", r->err);
		A->ui.dirty = true;
	}
}

/* The exit status: the program's, 0 after a detach. */
static int tr_status(const struct runner *r)
{
	const struct tl_trace *t = &r->tl.trace;
	if (t->exited && t->status_known)
		return stats_exit_code((int)t->wait_status);
	return r->exit_status;
}

/* Run the frame loop until the user quits; returns the exit status. */
static int tr_loop(struct app_tr *A)
{
	struct view_ctx ctx;
	uint64_t next = clock_ns();
	for (;;) {
		int qs = tui_quit_signal();
		if (qs && qs != A->quit_sig) {
			A->quit_sig = qs;
			tr_quit(A, qs);
		}
		uint64_t now = clock_ns();
		if (runner_drain(&A->run) > 0 && !A->paused)
			A->ui.dirty = true;
		tr_check(A);
		if (!A->run.finished && !A->paused)
			A->ui.dirty = true;           /* the live edge moves */
		if (A->quitting && A->run.finished)
			break;
		tr_ctx(A, &ctx, now);
		struct key_action a = app_ui_frame(&A->ui, &ctx, &next, KEYS_LIVE);
		if (a.act != ACT_NONE) {
			tr_ctx(A, &ctx, clock_ns());
			if (!tr_action(A, &a, &ctx))
				break;
			next = 0;
		}
	}
	return tr_status(&A->run);
}

/* Open the UI on a traced program; see app.h. */
int app_trace(const struct cv_params *p)
{
	int rc = app_ui_check();
	if (rc)
		return rc;
	struct app_tr *A = app_ui_alloc(sizeof *A);
	if (!A)
		return 1;
	app_findings_init(&A->af);
	char err[512];
	if (runner_start(&A->run, p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		int e = A->run.start_error;
		app_findings_free(&A->af);
		free(A);
		return p->attach_pid ? 1 : e == -ENOENT ? 127 : e < 0 && e != -ENOMEM ? 126 : 1;
	}
	if (p->record && runner_record(&A->run, p->record, p->force, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		runner_free(&A->run);
		app_findings_free(&A->af);
		free(A);
		return 1;
	}
	if (p->record)
		snprintf(A->rec_path, sizeof A->rec_path, "%s", p->record);
	int status = app_ui_open(&A->ui);
	if (status) {
		runner_free(&A->run);   /* ends the program: nothing is left running */
		app_findings_free(&A->af);
		free(A);
		return status;
	}
	if (A->run.rec)
		app_ui_message(&A->ui, 0, "recording to %s (R stops)", A->rec_path);
	status = tr_loop(A);
	runner_stop(&A->run);
	if (A->run.rec)
		app_ui_record_stop(&A->ui, &A->run, A->rec_path, "");
	app_ui_close(&A->ui);
	status = tr_status(&A->run);
	runner_free(&A->run);
	app_findings_free(&A->af);
	free(A);
	return status;
}
