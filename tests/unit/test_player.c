/*
 * test_player.c - the replay clock: speed, pause, step, seek, scrub, end.
 * Wall time is passed in, so nothing here sleeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "player.h"

#define MS 1000000ll
#define S 1000000000ll

/* Speed is clamped into x0.25..x16 and doubles / halves within it. */
static void test_speed(void **state)
{
	(void)state;
	struct player p;
	player_init(&p, 100);
	assert_true(p.speed == 16.0);
	player_init(&p, 0.01);
	assert_true(p.speed == 0.25);
	player_init(&p, NAN);
	assert_true(p.speed == 1.0);
	player_init(&p, 1.0);
	for (int i = 0; i < 10; i++)
		player_faster(&p);
	assert_true(p.speed == 16.0);
	for (int i = 0; i < 10; i++)
		player_slower(&p);
	assert_true(p.speed == 0.25);
	assert_true(player_speed_ok(0.25));
	assert_true(player_speed_ok(16));
	assert_false(player_speed_ok(16.5));
	assert_false(player_speed_ok(0.2));
	assert_false(player_speed_ok(NAN));
}

/* The head moves by wall time times speed, not while paused. */
static void test_tick_and_pause(void **state)
{
	(void)state;
	struct player p;
	player_init(&p, 2.0);
	assert_int_equal(player_tick(&p, 1000 * MS), 0);      /* first tick: no jump */
	assert_int_equal(player_tick(&p, 1100 * MS), 200 * MS);
	player_toggle(&p, 1100 * MS);                         /* pause */
	assert_false(p.playing);
	assert_int_equal(player_tick(&p, 5000 * MS), 200 * MS);
	player_toggle(&p, 6000 * MS);                         /* play: the pause never counts */
	assert_int_equal(player_tick(&p, 6050 * MS), 300 * MS);
	player_slower(&p);
	player_slower(&p);                                    /* x0.5 */
	assert_int_equal(player_tick(&p, 6250 * MS), 400 * MS);
	assert_int_equal(player_tick(&p, 6000 * MS), 400 * MS); /* wall going back: no move */
}

/* Stepping pauses and moves 100 ms; the end stops it. */
static void test_step_and_end(void **state)
{
	(void)state;
	struct player p;
	player_init(&p, 1.0);
	player_step(&p);
	assert_false(p.playing);
	assert_int_equal(p.pos, 100 * MS);
	player_set_end(&p, 150 * MS, true);
	player_step(&p);
	assert_int_equal(p.pos, 150 * MS);
	assert_true(player_at_end(&p));
	/* playing from the end restarts at 0 */
	assert_true(player_toggle(&p, 10 * S));
	assert_true(p.playing);
	assert_int_equal(p.pos, 0);
	player_tick(&p, 10 * S);
	assert_int_equal(player_tick(&p, 11 * S), 150 * MS);
	assert_false(p.playing);
	/* a head past a not-yet-final end stays until the end is known */
	player_init(&p, 1.0);
	player_set_end(&p, 1 * S, false);
	player_tick(&p, 1 * S);
	assert_int_equal(player_tick(&p, 3 * S), 2 * S);
	assert_true(p.playing);
	player_set_end(&p, 1500 * MS, true);
	assert_int_equal(p.pos, 1500 * MS);
	assert_int_equal(player_tick(&p, 4 * S), 1500 * MS);
	assert_false(p.playing);
}

/* Seek clamps and says when it went backwards; seek_end goes to the end. */
static void test_seek(void **state)
{
	(void)state;
	struct player p;
	player_init(&p, 1.0);
	assert_false(player_seek(&p, 5 * S));
	assert_int_equal(p.pos, 5 * S);
	assert_true(player_seek(&p, 2 * S));
	assert_true(player_seek(&p, -7));
	assert_int_equal(p.pos, 0);
	player_seek_end(&p);
	assert_int_equal(p.pos, INT64_MAX);          /* end unknown: run to whatever comes */
	player_set_end(&p, 9 * S, true);
	assert_int_equal(p.pos, 9 * S);
	assert_false(player_seek(&p, 20 * S));
	assert_int_equal(p.pos, 9 * S);
}

/* Scrub: 1 s steps on long recordings, 5 % on short ones. */
static void test_scrub(void **state)
{
	(void)state;
	struct player p;
	player_init(&p, 1.0);
	player_set_end(&p, 60 * S, true);
	player_seek(&p, 10 * S);
	assert_false(player_scrub(&p, 1));
	assert_int_equal(p.pos, 11 * S);
	assert_true(player_scrub(&p, -3));
	assert_int_equal(p.pos, 8 * S);
	player_set_end(&p, 2 * S, true);             /* short: 5 % = 100 ms */
	player_seek(&p, 1 * S);
	player_scrub(&p, 1);
	assert_int_equal(p.pos, 1100 * MS);
	player_scrub(&p, -20);
	assert_int_equal(p.pos, 0);
	player_scrub(&p, 100);
	assert_int_equal(p.pos, 2 * S);
	/* the head ran ahead of a not-yet-final end: scrub back from that end */
	player_init(&p, 1.0);
	player_set_end(&p, 40 * S, false);
	player_seek_end(&p);
	assert_true(player_scrub(&p, -1));
	assert_int_equal(p.pos, 39 * S);
}

/* Run the player tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_tick_and_pause),
		cmocka_unit_test(test_step_and_end),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_scrub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
