/*
 * test_canvas.c - the cell grid: clipping, UTF-8 decoding, fill, resize and
 * the text / ANSI printer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canvas.h"

/* Print c (optionally coloured) into a malloc'd string. */
static char *print_str(const struct canvas *c, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	canvas_print(f, c, color);
	fclose(f);
	return buf;
}

/* Writes outside the canvas are ignored; text is clipped at the edge and max_w. */
static void test_clipping(void **state)
{
	(void)state;
	struct canvas c;
	assert_int_equal(canvas_init(&c, 5, 2, true), 0);
	canvas_put(&c, -1, 0, 'x', ROLE_TEXT, 0);
	canvas_put(&c, 5, 0, 'x', ROLE_TEXT, 0);
	canvas_put(&c, 0, 2, 'x', ROLE_TEXT, 0);
	canvas_put(&c, 0, -1, 'x', ROLE_TEXT, 0);
	canvas_put(&c, 4, 1, 'y', ROLE_WARN, ATTR_BOLD);
	assert_null(canvas_at(&c, 5, 0));
	assert_null(canvas_at(&c, -1, 0));
	assert_int_equal(canvas_at(&c, 4, 1)->ch, 'y');
	assert_int_equal(canvas_at(&c, 4, 1)->role, ROLE_WARN);
	assert_int_equal(canvas_at(&c, 4, 1)->attr, ATTR_BOLD);
	assert_int_equal(canvas_text(&c, 3, 0, -1, ROLE_TEXT, 0, "abcdef"), 2);
	assert_int_equal(canvas_at(&c, 4, 0)->ch, 'b');
	assert_int_equal(canvas_text(&c, 0, 0, 2, ROLE_TEXT, 0, "xyz"), 2);
	assert_int_equal(canvas_at(&c, 2, 0)->ch, ' ');
	assert_int_equal(canvas_text(&c, 0, 5, -1, ROLE_TEXT, 0, "xyz"), 0);
	assert_int_equal(canvas_text(&c, -2, 1, -1, ROLE_TEXT, 0, "abc"), 3); /* 'c' lands at 0 */
	assert_int_equal(canvas_at(&c, 0, 1)->ch, 'c');
	assert_int_equal(canvas_text(&c, 0, 1, 0, ROLE_TEXT, 0, "abc"), 0);
	assert_int_equal(canvas_text(&c, 0, 1, 3, ROLE_TEXT, 0, NULL), 0);
	canvas_fill(&c, -3, -3, 100, 100, '#', ROLE_BAR, 0);
	for (int y = 0; y < 2; y++)
		for (int x = 0; x < 5; x++)
			assert_int_equal(canvas_at(&c, x, y)->ch, '#');
	canvas_fill(&c, 2, 0, -4, 1, '.', ROLE_BAR, 0); /* negative size: nothing */
	assert_int_equal(canvas_at(&c, 1, 0)->ch, '#');
	canvas_clear(&c);
	assert_int_equal(canvas_at(&c, 0, 0)->ch, ' ');
	canvas_free(&c);
}

/* Zero and negative sizes make an empty canvas every call accepts. */
static void test_empty(void **state)
{
	(void)state;
	struct canvas c;
	assert_int_equal(canvas_init(&c, 0, 0, true), 0);
	assert_int_equal(c.w, 0);
	canvas_put(&c, 0, 0, 'x', 0, 0);
	assert_int_equal(canvas_text(&c, 0, 0, -1, 0, 0, "hi"), 0);
	canvas_fill(&c, 0, 0, 3, 3, 'x', 0, 0);
	canvas_clear(&c);
	assert_null(canvas_at(&c, 0, 0));
	char *s = print_str(&c, true);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(canvas_resize(&c, -4, 7), 0);
	assert_int_equal(c.w, 0);
	assert_int_equal(c.h, 0);
	assert_int_equal(canvas_resize(&c, 1, 1), 0);
	canvas_put(&c, 0, 0, 'x', 0, 0);
	s = print_str(&c, false);
	assert_string_equal(s, "x\n");
	free(s);
	assert_int_equal(canvas_resize(&c, 1 << 20, 1 << 20), -ENOMEM); /* refused, unchanged */
	assert_int_equal(c.w, 1);
	assert_int_equal(canvas_at(&c, 0, 0)->ch, 'x');
	canvas_free(&c);
	canvas_free(&c); /* twice is harmless */
}

/* Multi-byte UTF-8 is one cell per code point; bad input is replaced. */
static void test_utf8(void **state)
{
	(void)state;
	struct canvas c;
	assert_int_equal(canvas_init(&c, 12, 1, true), 0);
	assert_int_equal(canvas_text(&c, 0, 0, -1, ROLE_TEXT, 0, "a\xC3\xA9\xE2\x96\x88\xF0\x9D\x84\x9E"), 4);
	assert_int_equal(canvas_at(&c, 0, 0)->ch, 'a');
	assert_int_equal(canvas_at(&c, 1, 0)->ch, 0xE9);     /* é */
	assert_int_equal(canvas_at(&c, 2, 0)->ch, 0x2588);   /* █ */
	assert_int_equal(canvas_at(&c, 3, 0)->ch, 0x1D11E);  /* 𝄞 */
	canvas_clear(&c);
	/* stray continuation, truncated sequence, overlong, surrogate, control, wide */
	assert_int_equal(canvas_text(&c, 0, 0, -1, ROLE_TEXT, 0,
				     "\x80" "\xE2\x96" "\xC0\xAF" "\xED\xA0\x80" "\x1b" "\xE4\xB8\xAD" "z"), 11);
	assert_int_equal(canvas_at(&c, 0, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(&c, 1, 0)->ch, 0xFFFD);   /* E2 without its bytes */
	assert_int_equal(canvas_at(&c, 2, 0)->ch, 0xFFFD);   /* then the lone 96 */
	assert_int_equal(canvas_at(&c, 3, 0)->ch, 0xFFFD);   /* overlong C0 */
	assert_int_equal(canvas_at(&c, 4, 0)->ch, 0xFFFD);   /* then AF */
	assert_int_equal(canvas_at(&c, 5, 0)->ch, 0xFFFD);   /* surrogate: 3 bytes, 3 cells */
	assert_int_equal(canvas_at(&c, 7, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(&c, 8, 0)->ch, '?');      /* ESC never reaches a terminal */
	assert_int_equal(canvas_at(&c, 9, 0)->ch, '?');      /* wide CJK */
	assert_int_equal(canvas_at(&c, 10, 0)->ch, 'z');
	canvas_clear(&c);
	assert_int_equal(canvas_text(&c, 0, 0, -1, ROLE_TEXT, 0, "\xE4\xB8\xAD" "e\xCC\x81" "\xE2"), 3);
	assert_int_equal(canvas_at(&c, 0, 0)->ch, '?');      /* wide CJK: one '?' */
	assert_int_equal(canvas_at(&c, 1, 0)->ch, 'e');      /* combining accent dropped */
	assert_int_equal(canvas_at(&c, 2, 0)->ch, 0xFFFD);   /* cut at the end of the string */
	canvas_free(&c);
	/* ASCII canvas: non-ASCII text falls back */
	assert_int_equal(canvas_init(&c, 6, 1, false), 0);
	canvas_text(&c, 0, 0, -1, ROLE_TEXT, 0, "a\xC2\xB7\xE2\x80\x94\xC3\xA9");
	char *s = print_str(&c, false);
	assert_string_equal(s, "a.-?\n");
	free(s);
	canvas_free(&c);
}

/* canvas_print: UTF-8 text, trailing blanks trimmed, ANSI only with color. */
static void test_print(void **state)
{
	(void)state;
	struct canvas c;
	assert_int_equal(canvas_init(&c, 6, 3, true), 0);
	canvas_text(&c, 0, 0, -1, ROLE_TEXT, 0, "ab");
	canvas_put(&c, 2, 1, 0x2592, ROLE_ST_IO, 0);
	canvas_put(&c, 3, 1, 0x2591, ROLE_ST_IO, ATTR_ALT);
	char *s = print_str(&c, false);
	assert_string_equal(s, "ab\n  \xE2\x96\x92\xE2\x96\x91\n\n");
	free(s);
	s = print_str(&c, true);
	assert_non_null(strstr(s, "\033[0;34m\xE2\x96\x92"));  /* io: blue */
	assert_non_null(strstr(s, "\033[0;94m\xE2\x96\x91"));  /* alternate: bright blue */
	assert_non_null(strstr(s, "\033[0m\n"));
	free(s);
	canvas_printf(&c, 0, 2, 4, ROLE_WARN, ATTR_BOLD, "n=%d!", 12345);
	s = print_str(&c, true);
	assert_non_null(strstr(s, "\033[0;1;31mn=12"));
	free(s);
	canvas_free(&c);
}

/* Run the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
