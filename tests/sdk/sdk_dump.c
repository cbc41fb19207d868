/*
 * sdk_dump.c - run a program with the SDK transport and print what came
 * back: the test harness of the SDK (part 2 wires the same calls into
 * `concviz trace`).
 *
 *   sdk_dump --json OUT [--record FILE] [--hold] [--base DIR] -- CMD [ARG...]
 *
 * Makes the directory (sdk_open), runs CMD with CONCVIZ_SDK set (its
 * stdout and stderr are left alone, so a test can compare them with an
 * untraced run), polls every 2 ms while it runs (--hold: not until it has
 * exited, so its shards fill and events drop), then sdk_finish. Every
 * record goes through the real mapping (sdk_map) into a session and a
 * timeline, and optionally into a recording. OUT gets JSON lines:
 *
 *   {"rec":..}      each record as read: t (ns since start), pid, tid,
 *                   kind, task (hex), state, name
 *   {"lane":..}     each lane of the timeline: name, kind, pid, tid and
 *                   ns spent per state, tasks done and failed
 *   {"task":..}     each task: name, lane, state, reason, queued/begin/end
 *   {"summary":..}  records, dropped, rejected, the map's counts, the
 *                   timeline's done / failed / cancelled, CMD's exit status,
 *                   the directory (removed by then)
 *
 * Exit status: CMD's (128 + signal when it was killed); 2 for usage, 1
 * when the harness itself failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "clock.h"
#include "params.h"
#include "record.h"
#include "sdk.h"
#include "sdk_map.h"
#include "session.h"
#include "stats.h"
#include "timeline.h"

struct dump_thread {
	uint32_t pid, tid, lane;
};

struct dump {
	struct session s;
	struct timeline tl;
	struct recorder *rec;
	struct sdk_map *map;
	FILE *out;
	uint64_t t0;
	uint32_t nlanes;
	struct dump_thread *threads;
	size_t nthreads;
	uint64_t records;
	int failed;               /* the harness failed (memory, recording) */
};

/* Take one event: session, timeline, recording. */
static void dump_emit(void *ctx, const struct cv_event *ev)
{
	struct dump *d = ctx;
	if (session_take(&d->s, ev) < 0 || timeline_add(&d->tl, ev) < 0) {
		d->failed = 1;
		return;
	}
	if (d->rec && recorder_write(d->rec, ev, 1) < 0)
		d->failed = 1;
}

/* Reserve the next lane index (its kind comes with its EV_LANE_START). */
static long dump_lane(struct dump *d)
{
	return d->nlanes++;
}

/* sdk_sink.lane_of: a lane per thread, made (started and named) on first use. */
static long dump_lane_of(void *ctx, uint32_t pid, uint32_t tid)
{
	struct dump *d = ctx;
	for (size_t i = 0; i < d->nthreads; i++)
		if (d->threads[i].pid == pid && d->threads[i].tid == tid)
			return d->threads[i].lane;
	struct dump_thread *p = realloc(d->threads, (d->nthreads + 1) * sizeof *p);
	long lane = p ? dump_lane(d) : -ENOMEM;
	if (lane < 0)
		return lane;
	d->threads = p;
	d->threads[d->nthreads++] = (struct dump_thread){ pid, tid, (uint32_t)lane };
	char name[32];
	snprintf(name, sizeof name, pid == tid ? "pid %u" : "thread %u", tid);
	struct cv_event ev[CV_NAME_PIECES_MAX];
	uint64_t t = d->t0;         /* the thread ran before its first record */
	struct cv_event start = { t, pid, (uint32_t)lane, CV_NO_TASK, EV_LANE_START, 0, tid };
	dump_emit(d, &start);
	int n = cv_name_pieces(ev, t, (uint32_t)lane, CV_NO_TASK, EV_LANE_NAME, name);
	for (int i = 0; i < n; i++)
		dump_emit(d, &ev[i]);
	return lane;
}

/* sdk_sink.new_lane: the next index. */
static long dump_new_lane(void *ctx, const char *name, enum lane_kind kind, uint32_t pid,
			  uint32_t tid)
{
	(void)name;
	(void)kind;
	(void)pid;
	(void)tid;
	return dump_lane(ctx);
}

/* sdk_fn: print the record, then map it. */
static void dump_record(void *ctx, const struct sdk_rec *r)
{
	struct dump *d = ctx;
	d->records++;
	fprintf(d->out, "{\"rec\":%llu,\"t\":%lld,\"pid\":%u,\"tid\":%u,\"kind\":\"%s\","
		"\"task\":\"%#llx\",\"state\":%u,\"producer\":%u,\"name\":",
		(unsigned long long)d->records, (long long)(r->t - d->t0), r->pid, r->tid,
		sdk_wire_kind_name(r->kind), (unsigned long long)r->task, r->state, r->producer);
	stats_json_string(d->out, r->name);
	fputs("}\n", d->out);
	if (sdk_map_take(d->map, r) < 0)
		d->failed = 1;
}

/* Print every lane and task of the timeline, then the summary. */
static void dump_report(struct dump *d, struct sdk *sdk, int status)
{
	static const char *const kinds[] = { "worker", "task", "loop", "main" };
	for (size_t l = 0; l < d->tl.nlanes; l++) {
		uint64_t ns[ST_COUNT];
		timeline_lane_stats(&d->tl, l, ns);
		const struct session_lane *sl = l < d->s.nlanes ? &d->s.lanes[l] : NULL;
		fprintf(d->out, "{\"lane\":%zu,\"name\":", l);
		stats_json_string(d->out, session_lane_name(&d->s, (uint32_t)l));
		fprintf(d->out, ",\"kind\":\"%s\",\"pid\":%u,\"tid\":%u,\"ended\":%s",
			sl && sl->kind <= LANE_MAIN ? kinds[sl->kind] : "?", sl ? sl->pid : 0,
			sl ? sl->tid : 0, d->tl.lanes[l].end >= 0 ? "true" : "false");
		for (int st = 1; st < ST_COUNT; st++)
			fprintf(d->out, ",\"%s_ns\":%llu", timeline_state_name(st),
				(unsigned long long)ns[st]);
		fprintf(d->out, ",\"done\":%u,\"failed\":%u}\n", d->tl.lanes[l].done,
			d->tl.lanes[l].failed);
	}
	static const char *const states[] = { "pending", "running", "done", "failed" };
	for (size_t i = 0; i < d->tl.ntasks; i++) {
		const struct tl_task *tk = &d->tl.tasks[i];
		fprintf(d->out, "{\"task\":%zu,\"name\":", i);
		stats_json_string(d->out, session_task_name(&d->s, (uint32_t)i));
		fprintf(d->out, ",\"lane\":%d,\"state\":\"%s\",\"reason\":\"%s\",\"queued\":%lld,"
			"\"begin\":%lld,\"end\":%lld}\n",
			tk->lane == UINT32_MAX ? -1 : (int)tk->lane, states[tk->state & 3],
			event_fail_name(tk->reason), (long long)tk->t_queued, (long long)tk->t_begin,
			(long long)tk->t_end);
	}
	struct sdk_map_stats ms;
	sdk_map_stats(d->map, &ms);
	fprintf(d->out, "{\"summary\":true,\"records\":%llu,\"dropped\":%llu,\"rejected\":%llu,"
		"\"tasks\":%llu,\"open\":%llu,\"done\":%llu,\"failed\":%llu,\"cancelled\":%llu,"
		"\"lanes\":%llu,\"unmatched\":%llu,\"refused\":%llu,\"tl_done\":%u,\"tl_failed\":%u,"
		"\"tl_cancelled\":%u,\"shards_left\":%zu,\"status\":%d,\"dir\":",
		(unsigned long long)d->records, (unsigned long long)sdk_dropped(sdk),
		(unsigned long long)sdk_rejected(sdk), (unsigned long long)ms.tasks,
		(unsigned long long)ms.open, (unsigned long long)ms.done, (unsigned long long)ms.failed,
		(unsigned long long)ms.cancelled, (unsigned long long)ms.lanes,
		(unsigned long long)ms.unmatched, (unsigned long long)ms.refused, d->tl.stats.done,
		d->tl.stats.failed, d->tl.stats.cancelled, sdk_shards(sdk), status);
	stats_json_string(d->out, sdk_dir(sdk));
	fputs("}\n", d->out);
}

/* Start CMD with CONCVIZ_SDK set; returns its pid or -1. */
static pid_t dump_spawn(struct sdk *sdk, char **argv)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("CONCVIZ_SDK", sdk_dir(sdk), 1);
		execvp(argv[0], argv);
		fprintf(stderr, "sdk_dump: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Parse the options, run CMD, report. */
int main(int argc, char **argv)
{
	const char *json = NULL, *record = NULL, *base = NULL;
	int hold = 0, i = 1;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--record") && i + 1 < argc)
			record = argv[++i];
		else if (!strcmp(argv[i], "--base") && i + 1 < argc)
			base = argv[++i];
		else if (!strcmp(argv[i], "--hold"))
			hold = 1;
		else
			break;
	}
	if (!json || i + 1 >= argc || strcmp(argv[i], "--")) {
		fprintf(stderr, "usage: sdk_dump --json OUT [--record FILE] [--hold] [--base DIR] -- CMD [ARG...]\n");
		return 2;
	}
	struct dump d = { .t0 = clock_ns() };
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_TRACE;
	p.argv = argv + i + 1;
	p.argc = argc - i - 1;
	struct sdk *sdk;
	int rc = sdk_open(&sdk, base);
	if (rc < 0 || session_init(&d.s, &p) < 0 || !(d.out = fopen(json, "w"))) {
		fprintf(stderr, "sdk_dump: cannot start: %s\n", strerror(rc < 0 ? -rc : errno));
		return 1;
	}
	d.s.start_mono_ns = d.t0;
	session_set_argv(&d.s, p.argc, p.argv);
	timeline_init(&d.tl, d.t0);
	char err[256];
	if (record && !(d.rec = recorder_open(record, true, &d.s, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct sdk_sink sink = { &d, dump_lane_of, dump_new_lane, dump_emit };
	if (sdk_map_new(&d.map, &sink, 0) < 0)
		return 1;
	pid_t pid = dump_spawn(sdk, argv + i + 1);
	int st = 0;
	while (pid > 0) {
		pid_t w = waitpid(pid, &st, hold ? 0 : WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (sdk_poll(sdk, clock_ns(), dump_record, &d) < 0)
			d.failed = 1;
		clock_sleep_ns(2000000);
	}
	uint64_t now = clock_ns();
	if (sdk_finish(sdk, now, dump_record, &d) < 0)
		d.failed = 1;
	sdk_map_finish(d.map, now);
	sdk_map_counts(d.map, now, sdk_dropped(sdk), sdk_rejected(sdk));
	int status = pid < 0 ? 127 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	dump_report(&d, sdk, status);
	if (d.rec && recorder_close(d.rec, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		d.failed = 1;
	}
	fclose(d.out);
	sdk_map_free(d.map);
	sdk_close(sdk);
	timeline_free(&d.tl);
	session_free(&d.s);
	free(d.threads);
	if (d.failed)
		fprintf(stderr, "sdk_dump: the harness failed (memory or recording)\n");
	return d.failed ? 1 : status;
}
