/* The one reader of agent records that every runner uses: a host agent's
 * or a container's stdout pipe (CHANNEL_STRICT), a guest's console socket
 * (CHANNEL_CONSOLE).  It waits with a deadline, ends at once on Ctrl-C
 * (interrupt_poll), and timestamps every record the same way. */
#ifndef BENCH_RECORD_STREAM_H
#define BENCH_RECORD_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "record.h"

struct record_stream {
	int fd;                   /* not owned: the runner closes it */
	enum channel_mode mode;
	struct line_reader lr;
	uint64_t t_first_byte_ns; /* CLOCK_MONOTONIC when the first byte was
				     read; 0 until then */
	uint64_t t_record_ns;     /* of the record last returned: when the
				     read that brought its last byte returned,
				     taken before the record is parsed */
	bool saw_done;            /* a DONE record came: the task has ended
				     and its workload may exit unasked */
};

enum record_stream_status {
	RECORD_STREAM_OK = 0,
	RECORD_STREAM_ERROR = -1,   /* a bad line, an I/O error, Ctrl-C */
	RECORD_STREAM_TIMEOUT = -2, /* the deadline passed */
	RECORD_STREAM_EOF = -3,     /* the stream ended before a record */
};

void record_stream_init(struct record_stream *s, int fd, enum channel_mode mode);

/* The next record into *rec, read before deadline_ns (clock_now_ns()
 * scale).  Returns RECORD_STREAM_OK, or one of the failures with one line
 * in *err (callers may replace it with their own words for a timeout or the
 * end of the stream).  Ctrl-C fails with BENCH_EXIT_INTERRUPTED.  Bytes past
 * the record stay for the next call. */
int record_stream_next(struct record_stream *s, uint64_t deadline_ns, struct agent_record *rec,
		       bench_error *err);

#endif
