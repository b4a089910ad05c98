#include "record_stream.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"

void record_stream_init(struct record_stream *s, int fd, enum channel_mode mode)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->mode = mode;
	line_reader_init(&s->lr);
}

int record_stream_next(struct record_stream *s, uint64_t deadline_ns, struct agent_record *rec,
		       bench_error *err)
{
	uint64_t t_read = s->t_record_ns;

	for (;;) {
		char buf[sizeof(s->lr.raw)];
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		ssize_t n;
		int r = record_next(&s->lr, s->mode, rec, err);

		/* record_next only returns 0 once it has taken every byte it
		 * holds, so a record it returns ends in the bytes of the last
		 * read: that read's time is the record's. */
		if (r > 0) {
			s->t_record_ns = t_read;
			if (strcmp(rec->type, BENCH_REC_DONE) == 0)
				s->saw_done = true;
			return RECORD_STREAM_OK;
		}
		if (r < 0)
			return RECORD_STREAM_ERROR;
		if (s->lr.eof || s->fd < 0) {
			bench_fail(err, 0, "agent ended its output without a record");
			return RECORD_STREAM_EOF;
		}
		r = interrupt_poll(&p, 1, deadline_ns, err);
		if (r < 0)
			return RECORD_STREAM_ERROR;
		if (r == 0) {
			if (clock_now_ns() < deadline_ns)
				continue;
			bench_fail(err, 0, "no answer from the agent in time");
			return RECORD_STREAM_TIMEOUT;
		}
		n = read(s->fd, buf, sizeof(buf));
		t_read = clock_now_ns();
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ECONNRESET) { /* a console whose QEMU went */
				s->lr.eof = true;
				continue;
			}
			return bench_fail(err, errno, "reading the agent's output");
		}
		if (n == 0) {
			s->lr.eof = true;
			continue;
		}
		if (!s->t_first_byte_ns)
			s->t_first_byte_ns = t_read;
		/* record_next returned 0: the reader holds no unread byte and
		 * takes all of buf. */
		if (line_reader_append(&s->lr, buf, (size_t)n) != (size_t)n)
			return bench_fail(err, 0, "agent output overflows the reader");
	}
}
