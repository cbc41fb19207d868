/*
 * stats.c - one run's summary, and its two printed forms (a line, JSON).
 *
 * Wall time is taken between the run's begin and end marks (or the first and
 * newest event while a run is still going). The ideal time is what a perfect
 * scheduler would need with the same pool: see stats.h. Everything comes
 * from running totals of the timeline: a summary costs O(1), so views can
 * show one on every frame.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "locks.h"
#include "findings.h"
#include "stats.h"

static void stats_summarize_sync(const struct session *s, const struct timeline *tl,
				 struct cv_summary *out, int64_t begin);
static void stats_line_sync(char *buf, size_t n, const struct cv_summary *m);
static void stats_json_sync(FILE *f, const struct session *s, const struct timeline *tl,
			    const struct cv_summary *m);

/* Order pids ascending (for counting distinct ones). */
static int stats_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Count the traced lanes and their distinct processes. */
static void stats_count_procs(const struct session *s, struct cv_summary *out)
{
	uint32_t *pids = malloc((s->nlanes ? s->nlanes : 1) * sizeof *pids);
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->nlanes; i++)
		if (s->lanes[i].tid) {
			out->threads++;
			if (pids)
				pids[n++] = s->lanes[i].pid;
		}
	if (!pids)
		return;
	qsort(pids, n, sizeof *pids, stats_cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		out->procs += i == 0 || pids[i] != pids[i - 1];
	free(pids);
}

/* Fill the traced program's part of the summary. */
static void stats_trace(const struct session *s, const struct timeline *tl, struct cv_summary *out)
{
	size_t len = 0;
	out->command[0] = 0;
	for (int i = 0; s->argv && i < s->argc && len + 4 < sizeof out->command; i++) {
		int k = snprintf(out->command + len, sizeof out->command - len, "%s%s", i ? " " : "",
				 s->argv[i]);
		len += k > 0 ? (size_t)k : 0;
	}
	if (len >= sizeof out->command - 1)
		memcpy(out->command + sizeof out->command - 4, "...", 4);
	if (!s->argc)
		snprintf(out->command, sizeof out->command, "pid %u", s->trace_pid);
	out->pid = s->trace_pid;
	out->tasks = s->ntasks;          /* the program's own (the SDK), none by default */
	stats_count_procs(s, out);
	out->cpu_s = 0;
	for (size_t l = 0; l < tl->nlanes; l++) {
		if (l < s->nlanes && !s->lanes[l].tid)
			continue;            /* a task's or a loop's lane (the SDK): no thread */
		uint64_t ns[ST_COUNT];
		timeline_lane_stats(tl, l, ns);
		for (int k = 0; k < ST_COUNT; k++)
			out->state_s[k] += (double)ns[k] / 1e9;
		out->cpu_s += (double)ns[ST_CPU] / 1e9;
	}
	out->sample_hz = tl->trace.hz_n ? (double)tl->trace.hz_sum / tl->trace.hz_n / 1e3 : 0;
	out->end = tl->trace;
}

/* Compute the summary of the run in tl described by s. */
void stats_summarize(const struct session *s, const struct timeline *tl, struct cv_summary *out)
{
	const struct cv_params *p = &s->params;
	memset(out, 0, sizeof *out);
	out->mode = p->mode;
	out->workload = p->workload;
	out->workers = params_workers(p);
	out->gil = p->gil;
	out->tasks = s->ntasks ? s->ntasks : (uint32_t)(p->tasks > 0 ? p->tasks : 0);
	out->done = tl->stats.done;
	out->failed = tl->stats.failed;
	out->cancelled = tl->stats.cancelled;
	out->bytes = tl->stats.bytes;
	int64_t b = tl->run_begin >= 0 ? tl->run_begin : (tl->stats.t_first > 0 ? tl->stats.t_first : 0);
	int64_t e = tl->run_end >= 0 ? tl->run_end : tl->now;
	out->wall_s = e > b ? (double)(e - b) / 1e9 : 0;
	out->cpu_s = (double)tl->stats.ns[ST_CPU] / 1e9;
	out->stall_s = (double)tl->stall_ns / 1e9;
	if (p->mode == MODE_TRACE) {
		stats_trace(s, tl, out);
	} else if (p->workload == WL_DEADLOCK) {
		out->ideal_s = 0;     /* the work is waiting: no ideal to measure against */
	} else if (p->workload == WL_IO) {
		/* only the work that was done: a run cut short, or still going,
		 * is measured against the ideal time of its ended tasks */
		uint32_t worked = tl->stats.done + tl->stats.failed - tl->stats.cancelled;
		int inflight = out->workers < (int)out->tasks ? out->workers : (int)out->tasks;
		double mean_ms = tl->stats.done_timed ?
			(double)tl->stats.done_task_ns / tl->stats.done_timed / 1e6 : 0;
		double lat = s->ideal_latency_ms > 0 ? s->ideal_latency_ms : mean_ms;
		if (inflight > 0)
			out->ideal_s = ceil((double)worked / inflight) * lat / 1e3;
	} else {
		uint64_t cpu = tl->stats.task_cpu_ns;
		int par = out->workers < s->cores ? out->workers : s->cores;
		if (p->mode == MODE_SEQ || par < 1)
			par = 1;
		out->ideal_s = (double)cpu / 1e9 / par;
	}
	out->efficiency = out->wall_s > 0 ? out->ideal_s / out->wall_s : 0;
	stats_summarize_sync(s, tl, out, b);
}

/* The exit status a shell reports for wait status ws. */
int stats_exit_code(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 1;
}

/* Describe how a traced program ended, or "" while it runs. */
void stats_describe_end(const struct tl_trace *tr, char *buf, size_t n)
{
	int ws = (int)tr->wait_status;
	if (tr->detached)
		snprintf(buf, n, "detached");
	else if (!tr->exited)
		snprintf(buf, n, "%s", "");
	else if (!tr->status_known)
		snprintf(buf, n, "ended");
	else if (WIFEXITED(ws))
		snprintf(buf, n, "exited %d", WEXITSTATUS(ws));
	else if (WIFSIGNALED(ws) && sigabbrev_np(WTERMSIG(ws)))
		snprintf(buf, n, "killed by SIG%s", sigabbrev_np(WTERMSIG(ws)));
	else if (WIFSIGNALED(ws))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(ws));
	else
		snprintf(buf, n, "ended");
}

/* True when the sampler once went much longer than its interval without a
 * sample (the host held it back): threads that lived less may be missing. */
static bool stats_gap_notable(const struct tl_trace *tr)
{
	uint64_t interval = tr->hz_target ? 1000000000ull / tr->hz_target : 0;
	return tr->gap_max_ns >= STATS_GAP_NOTABLE_NS && tr->gap_max_ns >= 4 * interval;
}

/* Format a traced program's line: command, wall, threads, CPU, shares, end. */
static void stats_format_trace(char *buf, size_t n, const struct cv_summary *m)
{
	static const struct { int st; const char *name; } shown[] = {
		{ ST_CPU, "cpu" }, { ST_READY, "ready" }, { ST_LOCK, "lock" }, { ST_IO, "io" },
		{ ST_POLL, "poll" }, { ST_IDLE, "idle" },
	};
	double all = 0;
	for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
		all += m->state_s[shown[i].st];
	char end[64];
	stats_describe_end(&m->end, end, sizeof end);
	int len = snprintf(buf, n, "trace %s: wall %.3f s, %u thread%s in %u process%s, cpu %.3f s",
			   m->command, m->wall_s, m->threads, m->threads == 1 ? "" : "s", m->procs,
			   m->procs == 1 ? "" : "es", m->cpu_s);
	for (size_t i = 0; i < sizeof shown / sizeof *shown && len > 0 && (size_t)len < n; i++)
		len += snprintf(buf + len, n - (size_t)len, "%s %s %.0f%%", i ? "," : ";", shown[i].name,
				all > 0 ? 100 * m->state_s[shown[i].st] / all : 0.0);
	if (m->tasks && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, "; %u task%s, %u done, %u failed", m->tasks,
				m->tasks == 1 ? "" : "s", m->done, m->failed);
	if ((m->end.sdk_dropped || m->end.sdk_rejected) && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, "; SDK: %llu event%s dropped, %llu rejected",
				(unsigned long long)m->end.sdk_dropped, m->end.sdk_dropped == 1 ? "" : "s",
				(unsigned long long)m->end.sdk_rejected);
	if ((m->end.sdk_off || m->end.sdk_python == MARK_PY_MISSING) && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, "; %s", m->end.sdk_off ? "no SDK (no transport)"
				: "no Python task tracer (not found)");
	if (stats_gap_notable(&m->end) && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, "; no sample for up to %.0f ms",
				(double)m->end.gap_max_ns / 1e6);
	if (end[0] && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, "; %s", end);
}

/* Format the one human line of a summary (no newline) into buf. */
void stats_format_line(char *buf, size_t n, const struct cv_summary *m)
{
	if (m->mode == MODE_TRACE) {
		stats_format_trace(buf, n, m);
		return;
	}
	int len = snprintf(buf, n, "%s%s %s: %u tasks, %u failed, wall %.3f s", params_mode_name(m->mode),
			   m->gil ? "+gil" : "", params_workload_name(m->workload), m->tasks, m->failed,
			   m->wall_s);
	if (len > 0 && (size_t)len < n && m->workload != WL_DEADLOCK)   /* deadlock: no ideal */
		len += snprintf(buf + len, n - (size_t)len, ", ideal %.3f s, efficiency %.0f%%",
				m->ideal_s, m->efficiency * 100);
	if (len > 0 && (size_t)len < n)
		stats_line_sync(buf + len, n - (size_t)len, m);
}

/* Print the one human line of a summary. */
void stats_print_line(FILE *f, const struct cv_summary *m)
{
	char line[512];
	stats_format_line(line, sizeof line, m);
	fprintf(f, "%s\n", line);
}

/* Write s as a JSON string literal (quoted; '"', '\\' and control bytes
 * escaped; UTF-8 passes as is). Used per span by the Chrome export: no
 * formatting calls. */
void stats_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
		} else if (c < 0x20) {
			fputs_unlocked("\\u00", f);
			putc_unlocked(hex[c >> 4], f);
			putc_unlocked(hex[c & 15], f);
		} else {
			putc_unlocked(c, f);
		}
	}
	putc_unlocked('"', f);
}

/* Print a traced program's head fields: command, pid, end, rate. */
static void stats_json_trace(FILE *f, const struct session *s, const struct cv_summary *m)
{
	fputs("{\"mode\":\"trace\",\"command\":[", f);
	for (int i = 0; s->argv && i < s->argc; i++) {
		if (i)
			putc(',', f);
		stats_json_string(f, s->argv[i]);
	}
	fprintf(f, "],\"pid\":%u,\"attached\":%s,\"exit_status\":", m->pid, s->argc ? "false" : "true");
	int ws = (int)m->end.wait_status;
	if (m->end.exited && m->end.status_known)
		fprintf(f, "%d", stats_exit_code(ws));
	else
		fputs("null", f);
	if (m->end.exited && m->end.status_known && WIFSIGNALED(ws)) {
		char sig[32];
		const char *name = sigabbrev_np(WTERMSIG(ws));
		snprintf(sig, sizeof sig, "SIG%s", name ? name : "?");
		fputs(",\"signal\":", f);
		stats_json_string(f, sig);
	}
	fprintf(f, ",\"detached\":%s,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"sample_hz\":%.1f,"
		"\"sample_hz_asked\":%d,\"sample_gap_max_ms\":%.3f,\"threads\":%u,\"processes\":%u,"
		"\"signals_sent\":%u,\"escalated\":%s,\"degraded_lanes\":%u,\"ring_stall_s\":%.6f,"
		"\"cores\":%d,\"host\":",
		m->end.detached ? "true" : "false", m->wall_s, m->cpu_s, m->sample_hz, s->trace_hz,
		(double)m->end.gap_max_ns / 1e6,
		m->threads, m->procs, m->end.signals, m->end.escalated ? "true" : "false",
		m->end.degraded, m->stall_s, s->cores);
	stats_json_string(f, s->host);
	static const char *const python[] = { "null", "\"injected\"", "\"off\"", "\"not found\"" };
	fprintf(f, ",\"tasks\":%u,\"done\":%u,\"failed\":%u,\"cancelled\":%u,\"sdk\":{\"available\":%s,"
		"\"python\":%s,\"dropped\":%llu,\"rejected\":%llu,\"late\":%llu,\"late_max_ms\":%u}",
		m->tasks, m->done, m->failed, m->cancelled,
		m->end.sdk_off || !s->argc ? "false" : "true", python[m->end.sdk_python & 3],
		(unsigned long long)m->end.sdk_dropped, (unsigned long long)m->end.sdk_rejected,
		(unsigned long long)m->end.sdk_late, m->end.sdk_late_ms);
}

/* Print the summary and per-lane times as one JSON object. */
void stats_print_json(FILE *f, const struct session *s, const struct timeline *tl,
		      const struct cv_summary *m)
{
	if (m->mode == MODE_TRACE) {
		stats_json_trace(f, s, m);
	} else {
		fprintf(f, "{\"mode\":\"%s\",\"workload\":\"%s\",\"gil\":%s,\"workers\":%d,"
			"\"tasks\":%u,\"done\":%u,\"failed\":%u,\"bytes\":%llu,"
			"\"wall_s\":%.6f,\"ideal_s\":%.6f,\"efficiency\":%.4f,\"cpu_s\":%.6f,"
			"\"ring_stall_s\":%.6f,\"cores\":%d,\"host\":",
			params_mode_name(m->mode), params_workload_name(m->workload), m->gil ? "true" : "false",
			m->workers, m->tasks, m->done, m->failed, (unsigned long long)m->bytes,
			m->wall_s, m->ideal_s, m->efficiency, m->cpu_s, m->stall_s, s->cores);
		stats_json_string(f, s->host);
	}
	fputs(",\"lanes\":[", f);
	for (size_t l = 0; l < tl->nlanes; l++) {
		uint64_t ns[ST_COUNT];
		timeline_lane_stats(tl, l, ns);
		const struct tl_lane *ln = &tl->lanes[l];
		static const char *const kinds[] = { "worker", "task", "loop", "main" };
		uint32_t tid = l < s->nlanes ? s->lanes[l].tid : 0;
		unsigned kind = l < s->nlanes && s->lanes[l].kind <= LANE_MAIN ? s->lanes[l].kind : 0;
		fprintf(f, "%s{\"lane\":%zu,\"name\":", l ? "," : "", l);
		stats_json_string(f, session_lane_name(s, (uint32_t)l));
		fprintf(f, ",\"kind\":\"%s\",\"pid\":%llu,\"tid\":%u,\"busy_s\":%.6f,\"waiting_s\":%.6f,\"lock_wait_s\":%.6f,"
			"\"idle_s\":%.6f,\"queued_s\":%.6f,\"loop_poll_s\":%.6f,\"loop_callback_s\":%.6f,"
			"\"ready_s\":%.6f,\"done\":%u,\"failed\":%u,\"crashed\":%s}",
			kinds[kind], (unsigned long long)ln->pid, tid, ns[ST_CPU] / 1e9, ns[ST_IO] / 1e9, ns[ST_LOCK] / 1e9,
			ns[ST_IDLE] / 1e9, ns[ST_QUEUED] / 1e9, ns[ST_POLL] / 1e9, ns[ST_CALLBACK] / 1e9,
			ns[ST_READY] / 1e9,
			ln->done, ln->failed, ln->crashed ? "true" : "false");
	}
	fputc(']', f);
	stats_json_sync(f, s, tl, m);
	/* what limits the run (findings.h), ranked */
	fputs(",\"findings\":", f);
	findings_print_run(f, s, tl, true, 0);
	fputs("}\n", f);
}

/* ---- race and deadlock workloads ------------------------------------------ */

/* Append a lane's name (the session's, else "lane N") to buf at *len. */
static void stats_put_lane(const struct session *s, uint32_t l, char *buf, size_t n, size_t *len)
{
	const char *name = s ? session_lane_name(s, l) : "";
	int k = name[0] ? snprintf(buf + *len, n - *len, "%s", name)
			: snprintf(buf + *len, n - *len, "lane %u", l + 1);
	if (k > 0)
		*len = *len + (size_t)k < n ? *len + (size_t)k : n - 1;
}

/* Describe tl's deadlock into buf (see stats.h). */
void stats_cycle_text(const struct session *s, const struct timeline *tl, bool arrows, bool utf8,
		      char *buf, size_t n)
{
	const struct tl_deadlock *d = &tl->deadlock;
	const char *to = utf8 ? " \u2192 " : " -> ";
	size_t len = 0;
	if (n == 0)
		return;
	buf[0] = 0;
	if (!d->detected)
		return;
	uint32_t kept = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	for (uint32_t i = 0; i < kept && len + 1 < n; i++) {
		char lock[24];
		locks_name(d->locks[i], lock, sizeof lock);
		uint32_t next = i + 1 < kept ? d->lanes[i + 1] : d->lanes[0];
		if (arrows) {
			if (i == 0)
				stats_put_lane(s, d->lanes[0], buf, n, &len);
			len += (size_t)snprintf(buf + len, n - len, "%s%s%s", to, lock, to);
		} else {
			if (i)
				len += (size_t)snprintf(buf + len, n - len, ", ");
			if (len + 1 >= n)
				break;
			stats_put_lane(s, d->lanes[i], buf, n, &len);
			len += (size_t)snprintf(buf + len, n - len, " waits for %s held by ", lock);
		}
		if (len + 1 >= n)
			break;
		if (i + 1 == kept && kept < d->n)
			len += (size_t)snprintf(buf + len, n - len, "...");
		else
			stats_put_lane(s, next, buf, n, &len);
	}
}

/* Fill the race and deadlock fields of the summary (begin: the run's start). */
static void stats_summarize_sync(const struct session *s, const struct timeline *tl,
				 struct cv_summary *out, int64_t begin)
{
	const struct tl_race *r = &tl->race;
	const struct tl_deadlock *d = &tl->deadlock;
	out->race = r->known;
	out->race_expected = r->expected;
	out->race_final = r->final;
	out->race_lost = r->lost;
	out->deadlock = d->detected;
	if (!d->detected)
		return;
	out->deadlock_n = d->n;
	out->deadlock_after_s = d->t_formed > begin ? (double)(d->t_formed - begin) / 1e9 : 0;
	out->deadlock_detect_s = (double)(d->t_detected - d->t_formed) / 1e9;
	stats_cycle_text(s, tl, false, false, out->cycle, sizeof out->cycle);
}

/* Append the race / deadlock part of the human line to buf. */
static void stats_line_sync(char *buf, size_t n, const struct cv_summary *m)
{
	buf[0] = 0;
	if (m->race)
		snprintf(buf, n, "; counter %llu of %llu: %llu updates lost",
			 (unsigned long long)m->race_final, (unsigned long long)m->race_expected,
			 (unsigned long long)m->race_lost);
	else if (m->deadlock)
		snprintf(buf, n, "; DEADLOCK after %.3f s: %s", m->deadlock_after_s, m->cycle);
	else if (m->workload == WL_DEADLOCK)
		snprintf(buf, n, "; no deadlock");
}

/* Write the "race" and "deadlock" members (each after a comma). */
static void stats_json_sync(FILE *f, const struct session *s, const struct timeline *tl,
			    const struct cv_summary *m)
{
	const struct tl_deadlock *d = &tl->deadlock;
	if (m->race)
		fprintf(f, ",\"race\":{\"expected\":%llu,\"final\":%llu,\"lost\":%llu,\"marks\":%zu}",
			(unsigned long long)m->race_expected, (unsigned long long)m->race_final,
			(unsigned long long)m->race_lost, lanemarks_count(tl->race_marks));
	if (!d->detected) {
		fputs(",\"deadlock\":{\"detected\":false}", f);
		return;
	}
	uint32_t kept = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	fputs(",\"deadlock\":{\"detected\":true,\"cycle\":[", f);
	for (uint32_t i = 0; i < kept; i++) {
		char name[40];
		size_t len = 0;
		stats_put_lane(s, d->lanes[i], name, sizeof name, &len);
		if (i)
			fputc(',', f);
		stats_json_string(f, name);
	}
	fputs("],\"locks\":[", f);
	for (uint32_t i = 0; i < kept; i++) {
		char lock[24];
		fprintf(f, "%s", i ? "," : "");
		stats_json_string(f, locks_name(d->locks[i], lock, sizeof lock));
	}
	fprintf(f, "],\"length\":%u,\"after_s\":%.6f,\"detect_s\":%.6f}", d->n,
		m->deadlock_after_s, m->deadlock_detect_s);
}
