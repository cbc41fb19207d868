/*
 * test_sdk_python.c - what `concviz trace` will use to inject the Python
 * task tracer: Python commands told from others (by name, through PATH,
 * by a script's "#!" line, through env and its options), the tracer's
 * folder found (an override, the source tree), and the PYTHONPATH that
 * puts it first.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "sdk_python.h"

static char tmp[] = "/tmp/cvz-sdkpy.XXXXXX";

/* Write an executable script named name with content. */
static void script(const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	chmod(path, 0755);
}

/* Interpreters by name and path; scripts by their "#!" line. */
static void test_commands(void **state)
{
	(void)state;
	static const char *const names[] = { "python", "python3", "python3.11", "python2.7" };
	for (size_t i = 0; i < 4; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
		script(names[i], "");
		assert_true(sdk_python_command(path));
	}
	script("pythonista", "");
	script("mypython3", "");
	script("a.py", "#!/usr/bin/env python3\nprint(1)\n");
	script("b.py", "#!/usr/bin/python3.11 -u\n");
	script("c.py", "#!/usr/bin/env -S python3 -u\n");
	script("d.sh", "#!/bin/sh\necho\n");
	script("e.py", "print(1)\n");                       /* no "#!" line */
	script("f", "#!/usr/bin/env node\n");
	script("g", "#!  /opt/py/bin/python3  \n");
	static const struct { const char *name; bool py; } cases[] = {
		{ "pythonista", false }, { "mypython3", false }, { "a.py", true }, { "b.py", true },
		{ "c.py", true },        { "d.sh", false },      { "e.py", false }, { "f", false },
		{ "g", true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", tmp, cases[i].name);
		assert_int_equal(sdk_python_command(path), cases[i].py);
	}
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", tmp, 1);                               /* a name looked up in PATH */
	assert_true(sdk_python_command("a.py"));
	assert_false(sdk_python_command("d.sh"));
	assert_false(sdk_python_command("not-there"));
	if (old) {
		setenv("PATH", old, 1);
		free(old);
	}
	assert_false(sdk_python_command(""));
	assert_false(sdk_python_command(NULL));
	assert_false(sdk_python_command("/nonexistent/python3x"));
	assert_true(sdk_python_command("/nonexistent/python3"));   /* the name says it */
}

/* The folder: the override when it holds the tracer; the source tree. */
static void test_dir(void **state)
{
	(void)state;
	char buf[4096], cwd[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	char want[4200];
	snprintf(want, sizeof want, "%s/engines/sdk/python", cwd);
	setenv("CONCVIZ_PYTHON_DIR", want, 1);
	assert_int_equal(sdk_python_dir(buf, sizeof buf), 0);
	assert_string_equal(buf, want);
	assert_int_equal(sdk_python_dir(buf, 10), -ENOENT);     /* does not fit */
	setenv("CONCVIZ_PYTHON_DIR", tmp, 1);                   /* no tracer there */
	assert_int_equal(sdk_python_dir(buf, sizeof buf), -ENOENT);
	unsetenv("CONCVIZ_PYTHON_DIR");
	/* this test binary lives in build/tests: no tracer beside it, so the
	 * answer is the installed one, or none */
	int rc = sdk_python_dir(buf, sizeof buf);
	assert_true(rc == 0 || rc == -ENOENT);
}

/* PYTHONPATH: the folder first, what was there after. */
static void test_env(void **state)
{
	(void)state;
	char buf[128];
	unsetenv("PYTHONPATH");
	assert_int_equal(sdk_python_env(buf, sizeof buf, "/x/py"), 0);
	assert_string_equal(buf, "PYTHONPATH=/x/py");
	setenv("PYTHONPATH", "", 1);
	assert_int_equal(sdk_python_env(buf, sizeof buf, "/x/py"), 0);
	assert_string_equal(buf, "PYTHONPATH=/x/py");
	setenv("PYTHONPATH", "/a:/b", 1);
	assert_int_equal(sdk_python_env(buf, sizeof buf, "/x/py"), 0);
	assert_string_equal(buf, "PYTHONPATH=/x/py:/a:/b");
	assert_int_equal(sdk_python_env(buf, 10, "/x/py"), -ENAMETOOLONG);
	unsetenv("PYTHONPATH");
}

/* Make the folder for the scripts. */
static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmp) ? 0 : -1;
}

/* Remove it. */
static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return system(cmd);
}

/* Run the Python-injection tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests_name("sdk_python", tests, setup, teardown);
}
