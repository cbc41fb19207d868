/*
 * player.h - the playback clock of a replay: where the play head is.
 *
 * The replay UI feeds a recording's events into a timeline up to the play
 * head; the player only decides where that head is: it advances with the
 * wall clock times the speed (x0.25 .. x16) while playing, stands still
 * while paused, steps by 100 ms, seeks and scrubs, and stops at the end of
 * the recording once that end is known. Pure: the caller passes the wall
 * clock in, so it is tested without sleeping. Times are ns from the
 * timeline's origin; wall times are any monotonic ns.
 */
#ifndef CV_PLAYER_H
#define CV_PLAYER_H

#include <stdbool.h>
#include <stdint.h>

#define PLAYER_MIN_SPEED 0.25
#define PLAYER_MAX_SPEED 16.0
#define PLAYER_STEP_NS 100000000ll     /* '.' moves the head 100 ms */
#define PLAYER_SCRUB_NS 1000000000ll   /* left/right: 1 s (or 5 % when shorter) */

struct player {
	double speed;     /* 1.0 = real time */
	bool playing;
	int64_t pos;      /* the play head, ns from origin, >= 0 */
	int64_t end;      /* the newest event time known, -1 when none */
	bool end_final;   /* end is the recording's end (everything was read) */
	uint64_t wall;    /* wall clock of the last tick; 0 = not ticked yet */
};

/* Start at 0, playing at speed (clamped into the allowed range; a speed
 * that is not a number plays at 1.0). */
void player_init(struct player *p, double speed);

/* True when speed is a number within [PLAYER_MIN_SPEED, PLAYER_MAX_SPEED]. */
bool player_speed_ok(double speed);

/* Advance the head by the wall time since the last tick times the speed
 * (when playing); stops playing at the final end. Returns the head. */
int64_t player_tick(struct player *p, uint64_t wall_ns);

/* Play or pause; the time spent paused never moves the head. At the final
 * end, play restarts from 0 (returns true then: the caller rebuilds). */
bool player_toggle(struct player *p, uint64_t wall_ns);

/* Double / halve the speed, within the range. */
void player_faster(struct player *p);
void player_slower(struct player *p);

/* Pause and move the head one step (100 ms) forward. */
void player_step(struct player *p);

/* Move the head to t (clamped to 0 and, once known, the end). Returns true
 * when the head moved backwards (the caller must rebuild its timeline). */
bool player_seek(struct player *p, int64_t t);

/* Scrub by dir steps (negative = back) of 1 s, or of 5 % of the recording
 * when that is shorter; returns like player_seek. */
bool player_scrub(struct player *p, int dir);

/* Seek to the end: the head goes to +infinity until the end is known. */
void player_seek_end(struct player *p);

/* Tell the player the newest event time known, and whether it is final. */
void player_set_end(struct player *p, int64_t end, bool final);

/* True when the head is at the final end. */
bool player_at_end(const struct player *p);

#endif
