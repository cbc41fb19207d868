/*
 * sdk.h - reading what a traced program says about its own tasks.
 *
 * The program side is sdk/concviz.h (C) and sdk/python/ (Python): each
 * producer thread writes records into a shard file of its own in a private
 * directory that concviz makes and hands to the program as
 * CONCVIZ_SDK=<dir>. This side finds the shards, reads and checks every
 * new record, and hands the good ones, merged by time, to a callback; it
 * counts the events producers dropped (their shard was full) and the
 * records it rejected (malformed: a hostile or broken program), and
 * forgets a shard once its thread is gone and it is drained.
 *
 * Nothing in the directory is trusted: files are opened without following
 * links or blocking, read with pread (a program that shrinks its file
 * cannot make concviz fault), checked against the format's bounds before
 * anything is allocated, and every poll does a bounded amount of work.
 *
 * Single-threaded: one thread (the tracer's) owns a struct sdk.
 */
#ifndef CV_SDK_H
#define CV_SDK_H

#include <stddef.h>
#include <stdint.h>
#include "sdk_wire.h"

#define SDK_MAX_SHARDS 4096          /* shards read at once; more wait their turn */
#define SDK_POLL_MAX 16384           /* records handed over per poll, at most */
#define SDK_PENDING_NS 2000000000ull /* a shard must be made within 2 s of appearing */
#define SDK_LIVE_CHECK_NS 100000000ull /* an idle shard's thread is looked for every 100 ms */
#define SDK_FUTURE_NS 1000000000ull  /* records stamped this far past `now` are refused */

struct sdk;

/* Called once per record, in time order across shards. */
typedef void (*sdk_fn)(void *ctx, const struct sdk_rec *r);

/* Make the private directory "concviz-sdk.<pid>.XXXXXX" (mode 0700) under
 * base (NULL: /dev/shm, or $TMPDIR, or /tmp, the first that works), first
 * removing there the directories of this user whose concviz is no longer
 * running. 0 or a negative errno; *out is then NULL. */
int sdk_open(struct sdk **out, const char *base);

/* Return "CONCVIZ_SDK=<dir>", for the traced program's environment. */
const char *sdk_env(const struct sdk *s);

/* Return the directory's path. */
const char *sdk_dir(const struct sdk *s);

/* Remove every file in the directory and the directory; free s. */
void sdk_close(struct sdk *s);

/* Find new shards, read every record stamped before `now` (CLOCK_MONOTONIC
 * ns) and hand the good ones to fn in time order; then a record of kind
 * SDK_GONE for each producer thread found gone (its shard drained and
 * removed). Returns how many records fn got, or -ENOMEM (nothing lost: the
 * records stay in their shards). */
long sdk_poll(struct sdk *s, uint64_t now, sdk_fn fn, void *ctx);

/* The program has ended: read every shard to its end, hand over the
 * records, then SDK_GONE for every producer; removes every shard. Returns
 * how many records fn got, or -ENOMEM. */
long sdk_finish(struct sdk *s, uint64_t now, sdk_fn fn, void *ctx);

/* Say that thread tid of process pid is gone (the tracer saw it exit), so
 * its shard is forgotten once drained without looking in /proc. */
void sdk_thread_gone(struct sdk *s, uint32_t pid, uint32_t tid);

/* Events producers dropped (their shard was full), over every shard so far. */
uint64_t sdk_dropped(const struct sdk *s);

/* Records and files rejected as malformed so far. */
uint64_t sdk_rejected(const struct sdk *s);

/* Shards being read now. */
size_t sdk_shards(const struct sdk *s);

#endif
