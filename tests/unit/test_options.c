/*
 * test_options.c - params_parse(): every option, both spellings, defaults,
 * and every class of bad value (exit 2 with a message naming the option).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "options.h"

/* Parse the NULL-terminated argument list (after the subcommand "run"). */
static int parse(struct cv_params *p, char *err, size_t errlen, ...)
{
	char *argv[64] = { "run" };
	int argc = 1;
	va_list ap;
	va_start(ap, errlen);
	for (char *a; (a = va_arg(ap, char *)) && argc < 63;)
		argv[argc++] = a;
	va_end(ap);
	return params_parse(p, argc, argv, err, errlen);
}

/* Expect option `opt` with value `v` (both spellings) to be refused with a
 * message naming the option and the value. */
static void expect_bad(const char *opt, const char *v)
{
	struct cv_params p;
	char err[512], joined[256], got[128];
	snprintf(got, sizeof got, "(got '%s')", v);
	assert_int_equal(parse(&p, err, sizeof err, (char *)opt, (char *)v, NULL), 2);
	if (!strstr(err, opt) || !strstr(err, got) || strncmp(err, "concviz: ", 9))
		fail_msg("%s %s: message '%s'", opt, v, err);
	assert_null(p.urls);
	assert_null(p.record);
	snprintf(joined, sizeof joined, "%s=%s", opt, v);
	assert_int_equal(parse(&p, err, sizeof err, joined, NULL), 2);
	assert_non_null(strstr(err, opt));
	assert_non_null(strstr(err, got));
}

/* No options: the defaults of params_default. */
static void test_defaults(void **state)
{
	(void)state;
	struct cv_params p, d;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, NULL), 0);
	params_default(&d);
	assert_int_equal(p.mode, d.mode);
	assert_int_equal(p.workload, WL_IO);
	assert_int_equal(p.tasks, 160);
	assert_int_equal(p.workers, d.workers);
	assert_true(p.latency_ms == d.latency_ms);
	assert_false(p.no_ui);
	assert_null(p.urls);
	params_free(&p);
}

/* Every option, in the "--opt V" spelling. */
static void test_all_options_space(void **state)
{
	(void)state;
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--mode", "async", "--workload", "io",
			       "--workers", "7", "--tasks", "33", "--url", "http://127.0.0.1:1/x",
			       "--url", "https://example.org/y", "--latency", "12.5", "--jitter", "3",
			       "--size", "4096", "--fail-rate", "0.25", "--timeout", "900",
			       "--cpu-size", "1000", "--gil", "--switch-interval", "0.5", "--no-ui",
			       "--record", "out.cvz", "--force", NULL), 0);
	assert_int_equal(p.mode, MODE_ASYNC);
	assert_int_equal(p.workers, 7);
	assert_int_equal(p.tasks, 33);
	assert_int_equal(p.nurls, 2);
	assert_string_equal(p.urls[0], "http://127.0.0.1:1/x");
	assert_string_equal(p.urls[1], "https://example.org/y");
	assert_true(p.latency_ms == 12.5);
	assert_true(p.jitter_ms == 3);
	assert_int_equal(p.size, 4096);
	assert_true(p.fail_rate == 0.25);
	assert_true(p.timeout_ms == 900);
	assert_int_equal(p.cpu_base, 1000);
	assert_true(p.gil);
	assert_true(p.switch_ms == 0.5);
	assert_true(p.no_ui);
	assert_false(p.json);
	assert_string_equal(p.record, "out.cvz");
	assert_true(p.force);
	params_free(&p);
}

/* Every option, in the "--opt=V" spelling; --json implies --no-ui. */
static void test_all_options_equals(void **state)
{
	(void)state;
	struct cv_params p;
	char err[256];
	char rec[] = "r.cvz";
	assert_int_equal(parse(&p, err, sizeof err, "--mode=procs", "--workload=cpu", "--workers=3",
			       "--tasks=5", "--latency=0", "--jitter=600000", "--size=0",
			       "--fail-rate=1", "--timeout=0", "--cpu-size=10000000000",
			       "--switch-interval=1000", "--json", "--record=r.cvz", NULL), 0);
	assert_int_equal(p.mode, MODE_PROCS);
	assert_int_equal(p.workload, WL_CPU);
	assert_int_equal(p.workers, 3);
	assert_int_equal(p.tasks, 5);
	assert_true(p.latency_ms == 0);
	assert_true(p.jitter_ms == 600000);
	assert_int_equal(p.size, 0);
	assert_true(p.fail_rate == 1);
	assert_int_equal(p.cpu_base, 10000000000ull);
	assert_true(p.switch_ms == 1000);
	assert_true(p.json);
	assert_true(p.no_ui);
	assert_string_equal(p.record, rec);
	params_free(&p);
}

/* --workload cpu makes 20 tasks unless --tasks was given (in any order). */
static void test_cpu_default_tasks(void **state)
{
	(void)state;
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--workload", "cpu", NULL), 0);
	assert_int_equal(p.tasks, 20);
	params_free(&p);
	assert_int_equal(parse(&p, err, sizeof err, "--tasks", "160", "--workload", "cpu", NULL), 0);
	assert_int_equal(p.tasks, 160);
	params_free(&p);
	assert_int_equal(parse(&p, err, sizeof err, "--workload=cpu", "--tasks=7", NULL), 0);
	assert_int_equal(p.tasks, 7);
	params_free(&p);
}

/* race and deadlock: their default task counts; --lock and --lock-order
 * only with the workload they apply to (else usage, naming the option). */
static void test_race_deadlock(void **state)
{
	(void)state;
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--workload", "race", NULL), 0);
	assert_int_equal(p.workload, WL_RACE);
	assert_int_equal(p.tasks, 10);
	assert_false(p.lock);
	params_free(&p);
	assert_int_equal(parse(&p, err, sizeof err, "--lock", "--workload=race", "--tasks", "3", NULL), 0);
	assert_true(p.lock);
	assert_int_equal(p.tasks, 3);
	params_free(&p);
	assert_int_equal(parse(&p, err, sizeof err, "--workload", "deadlock", "--lock-order", NULL), 0);
	assert_int_equal(p.workload, WL_DEADLOCK);
	assert_int_equal(p.tasks, 4);
	assert_true(p.lock_order);
	assert_false(p.lock);
	params_free(&p);
	static const char *const bad[][3] = {
		{ "--lock", NULL, "use it with --workload race" },
		{ "--lock", "--workload=deadlock", "use it with --workload race" },
		{ "--lock-order", "--workload=race", "use it with --workload deadlock" },
		{ "--lock-order", "--workload=cpu", "use it with --workload deadlock" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(&p, err, sizeof err, (char *)bad[i][0], (char *)bad[i][1], NULL), 2);
		assert_non_null(strstr(err, bad[i][0]));
		assert_non_null(strstr(err, bad[i][2]));
		assert_memory_equal(err, "concviz: ", 9);
		assert_false(p.lock || p.lock_order);   /* the defaults again */
	}
	assert_int_equal(parse(&p, err, sizeof err, "--lock=1", "--workload=race", NULL), 2);
	assert_non_null(strstr(err, "--lock takes no value"));
}

/* Whole-number options: words, signs, fractions, blanks, hex, overflow, range. */
static void test_bad_whole_numbers(void **state)
{
	(void)state;
	static const char *bad[] = { "abc", "", "-1", "+5", "1.5", " 5", "5 ", "0x10", "1e3",
				     "99999999999999999999999", "18446744073709551617" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		expect_bad("--tasks", bad[i]);
		expect_bad("--workers", bad[i]);
		expect_bad("--size", bad[i]);
		expect_bad("--cpu-size", bad[i]);
	}
	expect_bad("--tasks", "0");
	expect_bad("--tasks", "100001");
	expect_bad("--workers", "0");
	expect_bad("--workers", "257");
	expect_bad("--size", "67108865");
	expect_bad("--cpu-size", "0");
	expect_bad("--cpu-size", "10000000001");
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--tasks", "abc", NULL), 2);
	assert_string_equal(err, "concviz: --tasks wants a whole number from 1 to 100000 (got 'abc')");
}

/* Real-number options: words, NaN, infinities, hex, trailing junk, range. */
static void test_bad_real_numbers(void **state)
{
	(void)state;
	static const char *opts[] = { "--latency", "--jitter", "--timeout", "--fail-rate",
				      "--switch-interval" };
	static const char *bad[] = { "abc", "", "-1", "nan", "inf", "-inf", "0x1p3", "1e", "5ms",
				     " 1", "1 ", "1..2", "1e999" };
	for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++)
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			expect_bad(opts[o], bad[i]);
	expect_bad("--latency", "600000.5");
	expect_bad("--timeout", "1e9");
	expect_bad("--fail-rate", "1.01");
	expect_bad("--switch-interval", "0");
	expect_bad("--switch-interval", "0.001");
	expect_bad("--switch-interval", "1000.1");
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--fail-rate", ".5", "--latency", "1e2",
			       "--switch-interval", "0.01", NULL), 0);
	assert_true(p.fail_rate == 0.5);
	assert_true(p.latency_ms == 100);
	assert_true(p.switch_ms == 0.01);
	params_free(&p);
}

/* Names: unknown modes and workloads. */
static void test_bad_names(void **state)
{
	(void)state;
	expect_bad("--mode", "fast");
	expect_bad("--mode", "THREADS");
	expect_bad("--workload", "gpu");
	expect_bad("--workload", "");
}

/* Unknown options, missing values, values given to flags, stray words. */
static void test_bad_syntax(void **state)
{
	(void)state;
	struct cv_params p;
	char err[256];
	assert_int_equal(parse(&p, err, sizeof err, "--x", NULL), 2);
	assert_string_equal(err, "concviz: unknown option '--x'; run `concviz help`");
	assert_int_equal(parse(&p, err, sizeof err, "--x=3", NULL), 2);
	assert_string_equal(err, "concviz: unknown option '--x'; run `concviz help`");
	assert_int_equal(parse(&p, err, sizeof err, "--task", "3", NULL), 2);
	assert_non_null(strstr(err, "'--task'"));
	assert_int_equal(parse(&p, err, sizeof err, "--tasks", NULL), 2);
	assert_non_null(strstr(err, "--tasks needs a value"));
	assert_int_equal(parse(&p, err, sizeof err, "--gil=1", NULL), 2);
	assert_non_null(strstr(err, "--gil takes no value"));
	assert_int_equal(parse(&p, err, sizeof err, "stray", NULL), 2);
	assert_non_null(strstr(err, "'stray'"));
	assert_int_equal(parse(&p, err, sizeof err, "-t", "3", NULL), 2);
	assert_int_equal(parse(&p, err, sizeof err, "--", NULL), 2);
	assert_int_equal(parse(&p, err, sizeof err, "--record=", NULL), 2);
	assert_non_null(strstr(err, "--record"));
}

/* --url: checked, copied, repeatable; a failure frees what came before. */
static void test_urls_option(void **state)
{
	(void)state;
	struct cv_params p;
	char err[512];
	char url[] = "http://127.0.0.1:9/a";
	assert_int_equal(parse(&p, err, sizeof err, "--url", url, "--url=http://127.0.0.1:9/b",
			       NULL), 0);
	assert_int_equal(p.nurls, 2);
	assert_ptr_not_equal(p.urls[0], url);
	params_free(&p);
	static const char *bad[] = { "ftp://x/", "http://", "http:///x", "http://a b", "example.com",
				     "http://x/\x01" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(&p, err, sizeof err, "--url", "http://ok/", "--url",
				       (char *)bad[i], NULL), 2);
		assert_non_null(strstr(err, "--url"));
		assert_null(p.urls);
		assert_int_equal(p.nurls, 0);
	}
}

/* --urls FILE: read, combined with --url; an unreadable file names itself. */
static void test_urls_file_option(void **state)
{
	(void)state;
	char path[] = "/tmp/concviz-test-urlsXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "# list\nhttp://127.0.0.1:9/a\n\nhttps://h/b  \r\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	struct cv_params p;
	char err[512];
	assert_int_equal(parse(&p, err, sizeof err, "--url", "http://x/", "--urls", path, NULL), 0);
	assert_int_equal(p.nurls, 3);
	assert_string_equal(p.urls[2], "https://h/b");
	params_free(&p);
	unlink(path);
	assert_int_equal(parse(&p, err, sizeof err, "--urls", path, NULL), 2);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	assert_null(p.urls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options_space),
		cmocka_unit_test(test_all_options_equals),
		cmocka_unit_test(test_cpu_default_tasks),
		cmocka_unit_test(test_race_deadlock),
		cmocka_unit_test(test_bad_whole_numbers),
		cmocka_unit_test(test_bad_real_numbers),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_urls_option),
		cmocka_unit_test(test_urls_file_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
