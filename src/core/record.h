/*
 * record.h - replay files (.cvz): writing them as a run goes, reading them back.
 *
 * Format (documented in README.md): a versioned header (magic, format
 * version, concviz version, the session: mode, workload, parameters, lane and
 * task names, host, start time), then chunks of events, each zstd-compressed
 * and checksummed, written as the run goes so that a file cut short replays
 * up to its last complete chunk.
 */
#ifndef CV_RECORD_H
#define CV_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include "event.h"
#include "session.h"

/* Messages name the file. The recorder's (recorder_open's err,
 * recorder_error, recorder_close's err) are whole lines ready to print:
 * "concviz: out.cvz exists; use --force to overwrite it". The reader's
 * (replay_open's err, replay_error, replay_load's err) are "FILE: problem"
 * without the prefix: "x.cvz: chunk 12 is corrupt (checksum mismatch)";
 * callers print them as "concviz: %s". */

#define RECORD_CHUNK_EVENTS 16384        /* events per chunk, at most */
#define RECORD_CHUNK_NS 200000000ull     /* a chunk at least every 200 ms */
#define RECORD_ZSTD_LEVEL 3              /* zstd level of event chunks */
#define RECORD_HEADER_LEVEL 9            /* zstd level of the header block */

struct recorder;

/* Create path (refusing to overwrite unless force) and write s's header.
 * Returns NULL with a one-line message in err on failure.
 * The header is a snapshot of s taken now: open the recorder once the
 * engine has filled s's lane and task tables (events naming a lane the
 * header lacks are refused by replay_load). */
struct recorder *recorder_open(const char *path, bool force, const struct session *s,
			       char *err, size_t errlen);

/* Append events; a chunk is compressed and written every few thousand events
 * or 200 ms. Returns 0 or -1 (err available via recorder_error). */
int recorder_write(struct recorder *rec, const struct cv_event *ev, size_t n);

/* Write any buffered events as a chunk and fsync; 0 or -1. */
int recorder_flush(struct recorder *rec);

/* Flush, close and free; 0 or -1 (the last error) with err set. */
int recorder_close(struct recorder *rec, char *err, size_t errlen);

/* The last error of a recorder, "" when none. */
const char *recorder_error(const struct recorder *rec);

/* Events handed to the recorder so far (written or still buffered). */
uint64_t recorder_events(const struct recorder *rec);

struct replay;

/* Open a recording and read its header into s (caller frees with
 * session_free). Returns NULL with "FILE: problem" in err (not a recording,
 * newer version, truncated header, absurd sizes); s is then left empty
 * (all zero: session_free on it is harmless). */
struct replay *replay_open(const char *path, struct session *s, char *err, size_t errlen);

/* Open a recording held in memory (fuzzing, tests); data is not copied and
 * must outlive the replay. Same contract, with "<memory>" as FILE. */
struct replay *replay_open_mem(const void *data, size_t len, struct session *s,
			       char *err, size_t errlen);

#define REPLAY_BUFS 4  /* a chunk's events stay valid for REPLAY_BUFS - 1 more calls */

/* Read the next chunk's events: *ev points at them (valid until the
 * REPLAY_BUFS - 1 calls after this one), returns their count, 0 at a clean end, -1 on a damaged chunk (err
 * via replay_error; the events before it stay valid). A file cut short ends
 * cleanly at its last complete chunk with replay_truncated() true. */
long replay_next(struct replay *rp, const struct cv_event **ev);

/* True when the file was cut short: it ended inside a chunk or lacks the
 * end marker recorder_close writes (the recorder died, or is still
 * writing). Meaningful once replay_next returned 0. */
bool replay_truncated(const struct replay *rp);

/* The last error, "" when none. */
const char *replay_error(const struct replay *rp);

/* Complete chunks and events replay_next has returned so far. */
uint32_t replay_chunks(const struct replay *rp);
uint64_t replay_events(const struct replay *rp);

/* Close and free. */
void replay_close(struct replay *rp);

/* Read a whole recording into a session and timeline (used by show, stats,
 * export, replay's seek). Returns 0, or -1 with "FILE: problem" in err.
 * In every case s and tl are initialised and the caller frees both
 * (session_free, timeline_free); after a damaged chunk they hold everything
 * before it, so a viewer may still show it, but commands should fail.
 * A file cut short loads its complete chunks and returns 0 with a note in
 * err ("FILE: cut short (the recording was not closed); loaded its first N
 * events"); err is "" otherwise. Reads and decodes on a thread of its own
 * while the caller's thread builds the timeline (replay_load.c). */
struct timeline;
int replay_load(const char *path, struct session *s, struct timeline *tl,
		char *err, size_t errlen);

#endif
