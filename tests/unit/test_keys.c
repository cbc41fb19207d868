/*
 * test_keys.c - the hotkey table: every documented key maps to its action in
 * the live and the replay UI, mouse events keep their position, unknown keys
 * mean nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "keys.h"

/* Decode key k in context ctx. */
static enum action dec(uint32_t k, enum keys_ctx ctx)
{
	struct key_input in = { .key = k };
	return keys_decode(&in, ctx).act;
}

/* The live UI's keys. */
static void test_live_keys(void **state)
{
	(void)state;
	static const struct { uint32_t k; enum action a; } t[] = {
		{ '1', ACT_MODE_THREADS }, { '2', ACT_MODE_ASYNC }, { '3', ACT_MODE_PROCS },
		{ '0', ACT_MODE_SEQ }, { 'w', ACT_WORKLOAD }, { 'g', ACT_GIL },
		{ '+', ACT_ZOOM_IN }, { '=', ACT_ZOOM_IN }, { '-', ACT_ZOOM_OUT },
		{ KEYS_LEFT, ACT_PAN_LEFT }, { KEYS_RIGHT, ACT_PAN_RIGHT },
		{ 'l', ACT_LOCK }, { 'h', ACT_NONE }, { 'H', ACT_NONE }, { 'L', ACT_NONE },
		{ KEYS_SLEFT, ACT_PAN_LEFT }, { KEYS_SRIGHT, ACT_PAN_RIGHT },
		{ KEYS_UP, ACT_SCROLL_UP }, { KEYS_DOWN, ACT_SCROLL_DOWN },
		{ 'k', ACT_SCROLL_UP }, { 'j', ACT_SCROLL_DOWN },
		{ KEYS_PGUP, ACT_PAGE_UP }, { KEYS_PGDN, ACT_PAGE_DOWN },
		{ 'f', ACT_FIT }, { ' ', ACT_PAUSE }, { 'r', ACT_RERUN },
		{ '\t', ACT_NEXT_VIEW }, { KEYS_BTAB, ACT_PREV_VIEW },
		{ 'R', ACT_RECORD }, { '?', ACT_HELP }, { 27, ACT_CLOSE },
		{ 'q', ACT_QUIT }, { 3, ACT_QUIT }, { KEYS_RESIZE, ACT_RESIZE },
		{ 'i', ACT_FINDINGS }, { 's', ACT_SUGGEST }, { '\r', ACT_ENTER }, { '\n', ACT_ENTER },
		{ KEYS_HOME, ACT_NONE }, { '.', ACT_NONE }, { '>', ACT_NONE },
		{ 'x', ACT_NONE }, { 0xe9, ACT_NONE }, { 0, ACT_NONE },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		enum action got = dec(t[i].k, KEYS_LIVE);
		if (got != t[i].a)
			fail_msg("live key 0x%x: got %s, want %s", (unsigned)t[i].k,
				 keys_action_name(got), keys_action_name(t[i].a));
	}
}

/* The replay UI's keys: transport keys replace the arrows; the rest is shared. */
static void test_replay_keys(void **state)
{
	(void)state;
	static const struct { uint32_t k; enum action a; } t[] = {
		{ ' ', ACT_PAUSE }, { '<', ACT_SPEED_DOWN }, { '>', ACT_SPEED_UP },
		{ '.', ACT_STEP }, { KEYS_HOME, ACT_SEEK_START }, { KEYS_END, ACT_SEEK_END },
		{ KEYS_LEFT, ACT_SCRUB_BACK }, { KEYS_RIGHT, ACT_SCRUB_FWD },
		{ 'h', ACT_NONE }, { 'l', ACT_LOCK }, { 'H', ACT_NONE }, { KEYS_SLEFT, ACT_PAN_LEFT },
		{ KEYS_SRIGHT, ACT_PAN_RIGHT }, { '+', ACT_ZOOM_IN }, { 'w', ACT_WORKLOAD },
		{ '\t', ACT_NEXT_VIEW }, { '?', ACT_HELP }, { 'q', ACT_QUIT },
		{ '2', ACT_MODE_ASYNC }, { 'R', ACT_RECORD },
		{ 'i', ACT_FINDINGS }, { 's', ACT_SUGGEST }, { '\r', ACT_ENTER },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		enum action got = dec(t[i].k, KEYS_REPLAY);
		if (got != t[i].a)
			fail_msg("replay key 0x%x: got %s, want %s", (unsigned)t[i].k,
				 keys_action_name(got), keys_action_name(t[i].a));
	}
}

/* Mouse events carry their position; wheel up zooms in. */
static void test_mouse(void **state)
{
	(void)state;
	struct key_input in = { .key = KEYS_MOUSE, .button = KEYS_BTN_WHEEL_UP, .x = 40, .y = 7 };
	struct key_action a = keys_decode(&in, KEYS_LIVE);
	assert_int_equal(a.act, ACT_WHEEL_IN);
	assert_int_equal(a.x, 40);
	assert_int_equal(a.y, 7);
	in.button = KEYS_BTN_WHEEL_DOWN;
	assert_int_equal(keys_decode(&in, KEYS_REPLAY).act, ACT_WHEEL_OUT);
	in.button = KEYS_BTN_CLICK;
	in.x = 3;
	a = keys_decode(&in, KEYS_LIVE);
	assert_int_equal(a.act, ACT_CLICK);
	assert_int_equal(a.x, 3);
	in.button = KEYS_BTN_NONE;
	assert_int_equal(keys_decode(&in, KEYS_LIVE).act, ACT_NONE);
	assert_int_equal(keys_decode(NULL, KEYS_LIVE).act, ACT_NONE);
}

/* Live-only actions and names. */
static void test_live_only_and_names(void **state)
{
	(void)state;
	assert_true(keys_live_only(ACT_MODE_PROCS));
	assert_true(keys_live_only(ACT_RECORD));
	assert_true(keys_live_only(ACT_RERUN));
	assert_true(keys_live_only(ACT_LOCK));
	assert_true(keys_live_only(ACT_WORKLOAD));
	assert_true(keys_live_only(ACT_SUGGEST));
	assert_false(keys_live_only(ACT_FINDINGS));
	assert_false(keys_live_only(ACT_ENTER));
	assert_false(keys_live_only(ACT_ZOOM_IN));
	assert_false(keys_live_only(ACT_SEEK_END));
	for (int a = 0; a < ACT_COUNT; a++)
		assert_string_not_equal(keys_action_name((enum action)a), "?");
	assert_string_equal(keys_action_name(ACT_COUNT), "?");
	assert_string_equal(keys_action_name(ACT_QUIT), "quit");
}

/* Run the key tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_keys),
		cmocka_unit_test(test_replay_keys),
		cmocka_unit_test(test_mouse),
		cmocka_unit_test(test_live_only_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
