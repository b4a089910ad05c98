/* The agent protocol parser and line reader, on well-formed and hostile
 * input.  Everything a workload sends is untrusted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../runners/record.h"

static int parse(const char *line, struct agent_record *rec, bench_error *err)
{
	return record_parse(line, strlen(line), rec, err);
}

Test(record, parses_a_ready_record)
{
	struct agent_record rec;
	bench_error err = { 0 };
	uint64_t pid;

	cr_assert_eq(parse("BENCH/1 READY pid=1 hostname=bench-ctr-0 kernel=6.1.0\n", &rec, &err), RECORD_OK, "%s",
		     err.msg);
	cr_assert_str_eq(rec.type, "READY");
	cr_assert_eq(rec.nfields, 3);
	cr_assert_str_eq(record_get(&rec, "hostname"), "bench-ctr-0");
	cr_assert_eq(record_get_u64(&rec, "pid", &pid, &err), 0);
	cr_assert_eq(pid, 1);
	cr_assert_null(record_get(&rec, "missing"));
}

Test(record, escaping_round_trips_every_byte)
{
	char value[256], enc[800], line[900];
	struct agent_record rec;
	bench_error err = { 0 };

	for (int i = 0; i < 255; i++)
		value[i] = (char)(i + 1);
	cr_assert_gt(bench_proto_escape(value, 255, enc, sizeof(enc)), 0);
	cr_assert_null(strchr(enc, ' '));
	cr_assert_null(strchr(enc, '\n'));
	/* 255 bytes escaped do not fit one 512-byte line: the bound holds. */
	snprintf(line, sizeof(line), "BENCH/1 DATA v=%s", enc);
	cr_assert_eq(parse(line, &rec, &err), -1);
	/* A shorter one does, and decodes to the same bytes. */
	cr_assert_gt(bench_proto_escape(value + 100, 100, enc, sizeof(enc)), 0);
	snprintf(line, sizeof(line), "BENCH/1 DATA v=%s\r\n", enc);
	cr_assert_eq(parse(line, &rec, &err), RECORD_OK, "%s", err.msg);
	cr_assert_eq(rec.fields[0].value_len, 100);
	cr_assert_eq(memcmp(rec.fields[0].value, value + 100, 100), 0);
}

Test(record, escape_refuses_a_small_buffer)
{
	char out[4];

	cr_assert_eq(bench_proto_escape("a b", 3, out, sizeof(out)), -1);
	cr_assert_eq(bench_proto_escape("ab", 2, out, sizeof(out)), 2);
}

Test(record, lines_without_the_magic_are_not_protocol)
{
	struct agent_record rec;
	bench_error err = { 0 };

	cr_assert_eq(parse("[    0.000000] Linux version 6.1.0\n", &rec, &err), RECORD_NOT_PROTOCOL);
	cr_assert_eq(parse("", &rec, &err), RECORD_NOT_PROTOCOL);
	cr_assert_eq(parse("BENCH", &rec, &err), RECORD_NOT_PROTOCOL);
}

Test(record, hostile_lines_are_refused_with_a_reason)
{
	static const char *const bad[] = {
		"BENCH/2 READY pid=1",              /* another version */
		"BENCH/1",                          /* no type */
		"BENCH/1 ",                         /* empty type */
		"BENCH/1 ready pid=1",              /* lower-case type */
		"BENCH/1 READYREADYREADYREADY x=1", /* type too long */
		"BENCH/1 READY pid",                /* no '=' */
		"BENCH/1 READY =1",                 /* empty key */
		"BENCH/1 READY PID=1",              /* bad key characters */
		"BENCH/1 READY pid=1  host=x",      /* double space */
		"BENCH/1 READY v=%zz",              /* bad escape */
		"BENCH/1 READY v=%4",               /* truncated escape */
		"BENCH/1 READY v=%",                /* truncated escape */
		"BENCH/1 READY v=a\tb",             /* control character */
		"BENCH/1 READY v=\xff",             /* byte out of range */
		"BENCH/1 READY aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", /* key of 33 */
		"BENCH/1READY",
	};
	struct agent_record rec;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bench_error err = { 0 };

		cr_expect_eq(parse(bad[i], &rec, &err), -1, "accepted: %s", bad[i]);
		cr_expect_neq(err.msg[0], '\0', "no reason for: %s", bad[i]);
		cr_expect_null(strchr(err.msg, '\n'));
	}
}

Test(record, too_many_fields_are_refused)
{
	char line[BENCH_PROTO_LINE_MAX];
	struct agent_record rec;
	bench_error err = { 0 };
	size_t len = (size_t)snprintf(line, sizeof(line), "BENCH/1 DATA");

	for (int i = 0; i <= BENCH_PROTO_FIELDS_MAX; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " k%d=1", i);
	cr_assert_lt(len, sizeof(line) - 1);
	cr_assert_eq(parse(line, &rec, &err), -1);
	cr_assert(strstr(err.msg, "fields"), "%s", err.msg);
}

Test(record, numbers_are_checked)
{
	struct agent_record rec;
	bench_error err = { 0 };
	uint64_t v;

	cr_assert_eq(parse("BENCH/1 READY a=12x b=-1 c=99999999999999999999999 d=", &rec, &err), RECORD_OK);
	cr_assert_eq(record_get_u64(&rec, "a", &v, &err), -1);
	cr_assert_eq(record_get_u64(&rec, "b", &v, &err), -1);
	cr_assert_eq(record_get_u64(&rec, "c", &v, &err), -1);
	cr_assert_eq(record_get_u64(&rec, "d", &v, &err), -1);
	cr_assert_eq(record_get_u64(&rec, "e", &v, &err), -1);
}

Test(record, reader_splits_records_across_chunks)
{
	const char *stream = "BENCH/1 READY a=1\nBENCH/1 DATA b=2\nBENCH/1 DO";
	struct line_reader lr;
	struct agent_record rec;
	bench_error err = { 0 };

	line_reader_init(&lr);
	/* Byte by byte: the worst a pipe or a console can do. */
	int found = 0;
	for (const char *p = stream; *p; p++) {
		cr_assert_eq(line_reader_append(&lr, p, 1), 1);
		int r = record_next(&lr, CHANNEL_STRICT, &rec, &err);
		cr_assert_geq(r, 0, "%s", err.msg);
		if (r == 1)
			cr_assert_str_eq(rec.type, found++ == 0 ? "READY" : "DATA");
	}
	cr_assert_eq(found, 2);
	line_reader_append(&lr, "NE\n", 3);
	cr_assert_eq(record_next(&lr, CHANNEL_STRICT, &rec, &err), 1);
	cr_assert_str_eq(rec.type, "DONE");
}

Test(record, strict_channel_refuses_garbage_console_skips_it)
{
	const char *text = "[    1.234] random: crng init done\r\nBENCH/1 READY pid=1\r\n";
	struct line_reader lr;
	struct agent_record rec;
	bench_error err = { 0 };

	line_reader_init(&lr);
	line_reader_append(&lr, text, strlen(text));
	cr_assert_eq(record_next(&lr, CHANNEL_STRICT, &rec, &err), -1);
	cr_assert(strstr(err.msg, "garbage"), "%s", err.msg);

	line_reader_init(&lr);
	line_reader_append(&lr, text, strlen(text));
	cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), 1, "%s", err.msg);
	cr_assert_str_eq(record_get(&rec, "pid"), "1");
}

/* A console keeps the head of its last line that was no record, printable
 * ASCII only, so that a guest that never answers can be told by what it said last. */
Test(record, console_keeps_its_last_other_line)
{
	const char *text = "[    0.5] early\r\nBENCH/1 READY pid=1\r\n\r\nKernel panic - not syncing: \x1b[0m no init\r\n";
	struct line_reader lr;
	struct agent_record rec;
	bench_error err = { 0 };

	line_reader_init(&lr);
	cr_assert_str_eq(lr.last_other, "");
	line_reader_append(&lr, text, strlen(text));
	cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), 1, "%s", err.msg);
	cr_assert_str_eq(lr.last_other, "[    0.5] early");
	cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), 0);
	/* The blank line kept nothing; the escape byte is not kept. */
	cr_assert_str_eq(lr.last_other, "Kernel panic - not syncing: ?[0m no init");
}

Test(record, overlong_lines_are_never_stored_whole)
{
	char chunk[1000];
	struct line_reader lr;
	struct agent_record rec;
	bench_error err = { 0 };

	/* Console: an overlong kernel line is skipped, the record after it
	 * still arrives. */
	line_reader_init(&lr);
	memset(chunk, 'k', sizeof(chunk));
	for (int i = 0; i < 20; i++) {
		line_reader_append(&lr, chunk, sizeof(chunk));
		cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), 0);
	}
	line_reader_append(&lr, "\nBENCH/1 READY x=1\n", 19);
	cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), 1, "%s", err.msg);

	/* An overlong record is an error on either channel. */
	line_reader_init(&lr);
	memcpy(chunk, "BENCH/1 READY x=", 16);
	line_reader_append(&lr, chunk, sizeof(chunk));
	line_reader_append(&lr, "\n", 1);
	cr_assert_eq(record_next(&lr, CHANNEL_CONSOLE, &rec, &err), -1);
	cr_assert(strstr(err.msg, "longer"), "%s", err.msg);
}

/* %00 would cut the value short wherever it is used as a C string. */
Test(record, an_escaped_nul_is_refused)
{
	struct agent_record rec;
	bench_error err = { 0 };

	cr_assert_eq(parse("BENCH/1 READY hostname=web%00evil pid=1\n", &rec, &err), -1);
	cr_assert(strstr(err.msg, "NUL") && strstr(err.msg, "hostname"), "%s", err.msg);
	cr_assert_eq(parse("BENCH/1 READY hostname=web%01ok\n", &rec, &err), RECORD_OK, "%s", err.msg);
}
