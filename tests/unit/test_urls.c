/*
 * test_urls.c - URL checks and --urls files: comments, blanks, CR, long
 * lines, control and binary bytes, garbage, limits, unreadable files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "params.h"
#include "urls.h"

/* Read len bytes of data as a URL file named "F" into *urls / *n. */
static int read_mem(const char *data, size_t len, char ***urls, int *n, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)data, len, "r");
	assert_non_null(f);
	int rc = urls_read(f, "F", urls, n, err, errlen);
	fclose(f);
	return rc;
}

/* Expect data to be refused with exactly the message want. */
static void expect_error(const char *data, size_t len, const char *want)
{
	char **urls = NULL, err[256] = "";
	int n = 0;
	assert_int_equal(read_mem(data, len, &urls, &n, err, sizeof err), -EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(n, 0);
	urls_free(urls, n);
}

/* Comments, blank lines, CRLF, leading and trailing blanks. */
static void test_good_file(void **state)
{
	(void)state;
	const char text[] = "# a comment\n"
			    "\n"
			    "   \t\n"
			    "http://127.0.0.1:8080/a\n"
			    "  https://example.org/b?x=1#frag  \t\r\n"
			    "   # indented comment\r\n"
			    "HTTP://UPPER.example/c";   /* no final newline */
	char **urls = NULL, err[256];
	int n = 0;
	assert_int_equal(read_mem(text, sizeof text - 1, &urls, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(urls[0], "http://127.0.0.1:8080/a");
	assert_string_equal(urls[1], "https://example.org/b?x=1#frag");
	assert_string_equal(urls[2], "HTTP://UPPER.example/c");
	urls_free(urls, n);
}

/* Garbage lines and bad schemes name the file and the line. */
static void test_garbage(void **state)
{
	(void)state;
	const char a[] = "http://ok/\n# c\nhello world\n";
	expect_error(a, sizeof a - 1, "F:3: 'hello world' is not an http:// or https:// URL");
	const char b[] = "ftp://files.example/x\n";
	expect_error(b, sizeof b - 1, "F:1: 'ftp://files.example/x' is not an http:// or https:// URL");
	const char c[] = "http://a b/\n";
	expect_error(c, sizeof c - 1, "F:1: space inside the URL (column 9)");
	const char d[] = "\n\nhttps://\n";
	expect_error(d, sizeof d - 1, "F:3: 'https://' has no host name");
	const char e[] = "# nothing\n\n";
	expect_error(e, sizeof e - 1, "F: no URLs in the file");
	expect_error("", 0, "F: no URLs in the file");
}

/* Control bytes, NUL bytes and non-ASCII bytes are refused. */
static void test_binary(void **state)
{
	(void)state;
	const char a[] = "http://x/\x01y\n";
	expect_error(a, sizeof a - 1, "F:1: control byte 0x01 in the URL (column 10)");
	const char b[] = "http://ok/\nhttp://x/\0y\n";
	expect_error(b, sizeof b - 1, "F:2: NUL byte (binary data) in the line");
	const char c[] = "\0http://x/\n";
	expect_error(c, sizeof c - 1, "F:1: NUL byte (binary data) in the line");
	const char d[] = "http://x/\xff\n";
	expect_error(d, sizeof d - 1,
		     "F:1: non-ASCII byte 0xff in the URL (column 10); percent-encode it");
	const char e[] = "http://x/\x7f\n";
	expect_error(e, sizeof e - 1, "F:1: control byte 0x7f in the URL (column 10)");
	const char f[] = "\x1b[31mhttp://x/\n";
	expect_error(f, sizeof f - 1, "F:1: control byte 0x1b in the URL (column 1)");
}

/* A line of URLS_MAX_LINE bytes is fine; one byte more is refused, even in
 * a huge file without newlines. */
static void test_long_lines(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	char *buf = malloc(big + 2);
	assert_non_null(buf);
	strcpy(buf, "http://h/");
	memset(buf + 9, 'a', URLS_MAX_LINE - 9);
	buf[URLS_MAX_LINE] = '\n';
	char **urls = NULL, err[256];
	int n = 0;
	assert_int_equal(read_mem(buf, URLS_MAX_LINE + 1, &urls, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(urls[0]), URLS_MAX_LINE);
	urls_free(urls, n);
	buf[URLS_MAX_LINE] = 'a';
	buf[URLS_MAX_LINE + 1] = '\n';
	expect_error(buf, URLS_MAX_LINE + 2, "F:1: line longer than 8192 bytes");
	memset(buf + 9, 'b', big - 9);
	expect_error(buf, big, "F:1: line longer than 8192 bytes");
	free(buf);
}

/* At most CV_MAX_URLS in all; a failure leaves the caller's list as it was. */
static void test_limits_and_undo(void **state)
{
	(void)state;
	char **urls = NULL, why[256], err[256];
	int n = 0;
	assert_int_equal(urls_append(&urls, &n, "http://first/", why, sizeof why), 0);
	const char bad[] = "http://a/\nhttp://b/\nnot a url\n";
	assert_int_equal(read_mem(bad, sizeof bad - 1, &urls, &n, err, sizeof err), -EINVAL);
	assert_int_equal(n, 1);
	assert_string_equal(urls[0], "http://first/");
	size_t cap = (size_t)(CV_MAX_URLS + 1) * 16;
	char *many = malloc(cap), *w = many;
	assert_non_null(many);
	for (int i = 0; i < CV_MAX_URLS; i++)
		w += sprintf(w, "http://h/%d\n", i);
	assert_int_equal(read_mem(many, (size_t)(w - many), &urls, &n, err, sizeof err), -EINVAL);
	assert_int_equal(n, 1);
	char line[64];
	snprintf(line, sizeof line, "F:%d: more than %d URLs", CV_MAX_URLS, CV_MAX_URLS);
	assert_string_equal(err, line);
	urls_free(urls, n);
	urls = NULL;
	n = 0;
	assert_int_equal(read_mem(many, (size_t)(w - many), &urls, &n, err, sizeof err), 0);
	assert_int_equal(n, CV_MAX_URLS);
	urls_free(urls, n);
	free(many);
}

/* urls_check on single URLs. */
static void test_check(void **state)
{
	(void)state;
	char why[256];
	assert_int_equal(urls_check("http://127.0.0.1:8080/a", why, sizeof why), 0);
	assert_int_equal(urls_check("HTTPS://Example.ORG", why, sizeof why), 0);
	assert_int_equal(urls_check("http://[::1]:80/", why, sizeof why), 0);
	assert_int_equal(urls_check("https:///path", why, sizeof why), -EINVAL);
	assert_int_equal(urls_check("http://:80/", why, sizeof why), -EINVAL);
	assert_int_equal(urls_check("file:///etc/passwd", why, sizeof why), -EINVAL);
	assert_int_equal(urls_check("", why, sizeof why), -EINVAL);
	assert_int_equal(urls_check("http://x/\ty", why, sizeof why), -EINVAL);
}

/* An unreadable file gives one line naming it. */
static void test_unreadable(void **state)
{
	(void)state;
	char **urls = NULL, err[256];
	int n = 0;
	assert_true(urls_load("/nonexistent/concviz-urls.txt", &urls, &n, err, sizeof err) < 0);
	assert_string_equal(err, "/nonexistent/concviz-urls.txt: No such file or directory");
	assert_true(urls_load("/", &urls, &n, err, sizeof err) < 0);   /* a directory */
	assert_non_null(strstr(err, "/:"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(n, 0);
	urls_free(urls, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_limits_and_undo),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
