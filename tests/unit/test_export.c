/*
 * test_export.c - the Chrome trace and CSV exporters on a hand-made run.
 *
 * A two-lane run (one task done, one failed with a URL holding a comma and
 * a quote, an idle gap, a crashed lane) is exported both ways. The CSV is
 * compared line for line with the rows it must produce; the Chrome JSON is
 * checked for exact fields and parsed back by Python's json module (with
 * the no-overlap and one-thread-name-per-lane checks done there too).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "export.h"
#include "session.h"
#include "timeline.h"

#define ORIGIN 1000000000ull

struct run {
	struct session s;
	struct timeline tl;
};

/* Build the hand-made run: lane 0 does task 0 (cpu, io, done), then idles;
 * lane 1 runs task 1 (gil-wait, cpu, io) which fails with a timeout, then
 * crashes. */
static void make_run(struct run *r)
{
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_THREADS;
	p.gil = true;
	assert_int_equal(session_init(&r->s, &p), 0);
	r->s.start_mono_ns = ORIGIN;
	snprintf(r->s.host, sizeof r->s.host, "box");
	session_add_lane(&r->s, "thread 1", LANE_WORKER);
	session_add_lane(&r->s, "thread \"2\"", LANE_WORKER);
	char *names[] = { "http://127.0.0.1:9/a", "http://127.0.0.1:9/b?x=1,y=\"2\"" };
	assert_int_equal(session_set_tasks(&r->s, names, 2), 0);
	const struct cv_event ev[] = {
		{ ORIGIN + 0, 0, 0, CV_NO_TASK, EV_LANE_START, 0, 0 },
		{ ORIGIN + 500, 0, 1, CV_NO_TASK, EV_LANE_START, 0, 0 },
		{ ORIGIN + 1000, 0, 0, 0, EV_TASK_BEGIN, 0, 0 },
		{ ORIGIN + 1000, 0, 0, 0, EV_CPU, 0, 0 },
		{ ORIGIN + 1001, 0, 1, 1, EV_TASK_BEGIN, 0, 0 },
		{ ORIGIN + 1001, 0, 1, 1, EV_LOCK, 0, 0 },
		{ ORIGIN + 2500, 0, 0, 0, EV_IO, 0, 0 },
		{ ORIGIN + 3333, 0, 1, 1, EV_CPU, 0, 0 },
		{ ORIGIN + 4000, 0, 1, 1, EV_IO, 0, 0 },
		{ ORIGIN + 9999, 10240, 0, 0, EV_TASK_END, 200, 0 },
		{ ORIGIN + 12000, 17, 1, 1, EV_TASK_FAIL, 0, FAIL_TIMEOUT },
		{ ORIGIN + 13000, 0, 1, CV_NO_TASK, EV_LANE_CRASH, 0, 9 },
		{ ORIGIN + 15000, 0, 0, CV_NO_TASK, EV_LANE_END, 0, 0 },
	};
	timeline_init(&r->tl, ORIGIN);
	assert_int_equal(timeline_add_many(&r->tl, ev, sizeof ev / sizeof ev[0]), 0);
}

/* Free the run. */
static void free_run(struct run *r)
{
	session_free(&r->s);
	timeline_free(&r->tl);
}

/* Export with fn into a malloc'd string. */
static char *export_to_string(int (*fn)(FILE *, const struct session *, const struct timeline *),
			      struct run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, &r->s, &r->tl), 0);
	fclose(f);
	return buf;
}

/* Count the occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The CSV holds exactly the expected rows, quoted per RFC 4180. */
static void test_csv(void **state)
{
	(void)state;
	struct run r;
	make_run(&r);
	char *out = export_to_string(export_csv, &r);
	static const char want[] =
		"lane,lane_name,task,task_name,state,start_ns,end_ns,duration_ns,bytes,status,failed,reason\r\n"
		"0,thread 1,,,idle,0,1000,1000,,,0,\r\n"
		"0,thread 1,0,http://127.0.0.1:9/a,cpu,1000,2500,1500,10240,200,0,\r\n"
		"0,thread 1,0,http://127.0.0.1:9/a,io,2500,9999,7499,10240,200,0,\r\n"
		"0,thread 1,,,idle,9999,15000,5001,,,0,\r\n"
		"1,\"thread \"\"2\"\"\",,,idle,500,1001,501,,,0,\r\n"
		"1,\"thread \"\"2\"\"\",1,\"http://127.0.0.1:9/b?x=1,y=\"\"2\"\"\",gil-wait,1001,3333,2332,17,0,1,timeout\r\n"
		"1,\"thread \"\"2\"\"\",1,\"http://127.0.0.1:9/b?x=1,y=\"\"2\"\"\",cpu,3333,4000,667,17,0,1,timeout\r\n"
		"1,\"thread \"\"2\"\"\",1,\"http://127.0.0.1:9/b?x=1,y=\"\"2\"\"\",io,4000,12000,8000,17,0,1,timeout\r\n"
		"1,\"thread \"\"2\"\"\",,,idle,12000,13000,1000,,,0,\r\n";
	assert_string_equal(out, want);
	free(out);
	free_run(&r);
}

/* The Chrome trace has the exact events, and Python's json reads it. */
static void test_chrome(void **state)
{
	(void)state;
	struct run r;
	make_run(&r);
	char *out = export_to_string(export_chrome, &r);
	assert_int_equal(count(out, "\"ph\":\"X\""), 5);           /* the non-idle spans */
	assert_int_equal(count(out, "\"name\":\"thread_name\""), 2);
	assert_int_equal(count(out, "\"name\":\"process_name\""), 1);
	assert_non_null(strstr(out, "{\"name\":\"concviz threads io gil\"}"));
	assert_non_null(strstr(out, "\"args\":{\"name\":\"thread \\\"2\\\"\"}"));
	assert_non_null(strstr(out, "{\"name\":\"io\",\"cat\":\"io\",\"ph\":\"X\",\"pid\":1,\"tid\":1,"
				    "\"ts\":2.500,\"dur\":7.499,\"args\":{\"task\":0,"
				    "\"url\":\"http://127.0.0.1:9/a\",\"bytes\":10240,\"status\":200}}"));
	assert_non_null(strstr(out, "{\"name\":\"gil-wait\",\"cat\":\"gil-wait\",\"ph\":\"X\",\"pid\":1,"
				    "\"tid\":2,\"ts\":1.001,\"dur\":2.332,\"cname\":\"terrible\","
				    "\"args\":{\"task\":1,\"url\":\"http://127.0.0.1:9/b?x=1,y=\\\"2\\\"\","
				    "\"bytes\":17,\"failed\":true,\"reason\":\"timeout\"}}"));
	assert_non_null(strstr(out, "{\"name\":\"failed: timeout\",\"cat\":\"failure\",\"ph\":\"i\","
				    "\"s\":\"t\",\"pid\":1,\"tid\":2,\"ts\":12.000,"));
	assert_non_null(strstr(out, "{\"name\":\"lane crashed\",\"cat\":\"failure\",\"ph\":\"i\","
				    "\"s\":\"t\",\"pid\":1,\"tid\":2,\"ts\":13.000}"));
	assert_null(strstr(out, "\"name\":\"idle\""));
	assert_non_null(strstr(out, "\"displayTimeUnit\":\"ms\""));

	char path[] = "/tmp/cvz-test-export-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\n"
		 "from decimal import Decimal\n"
		 "d = json.load(open(sys.argv[1]), parse_float=Decimal)\n"
		 "ev = d[\"traceEvents\"]\n"
		 "names = [e[\"tid\"] for e in ev if e[\"name\"] == \"thread_name\"]\n"
		 "assert sorted(names) == [1, 2], names\n"
		 "x = sorted((e[\"tid\"], e[\"ts\"], e[\"dur\"]) for e in ev if e[\"ph\"] == \"X\")\n"
		 "assert len(x) == 5\n"
		 "assert all(a[1] + a[2] <= b[1] for a, b in zip(x, x[1:]) if a[0] == b[0])\n"
		 "assert d[\"otherData\"][\"host\"] == \"box\"\n' %s", path);
	int rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
	free(out);
	free_run(&r);
}

/* Times print exactly (ns -> us with three decimals), negative ones too,
 * and a failed write is reported. */
static void test_edges(void **state)
{
	(void)state;
	struct run r;
	make_run(&r);
	tl_span_at(&r.tl.lanes[0], 1)->t0 = -1500;  /* a span before the origin */
	tl_span_at(&r.tl.lanes[0], 0)->t0 = -1000000007;
	char *out = export_to_string(export_chrome, &r);
	assert_non_null(strstr(out, "\"ts\":-1.500,\"dur\":4.000"));
	free(out);
	out = export_to_string(export_csv, &r);
	assert_non_null(strstr(out, "0,thread 1,,,idle,-1000000007,-1500,999998507,"));
	free(out);
	FILE *f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IOFBF, 64);
		assert_int_equal(export_csv(f, &r.s, &r.tl), -EIO);
		fclose(f);
	}
	free_run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_chrome),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
