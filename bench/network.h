/* bench run network: what the benchmark's files share. */
#ifndef BENCH_NETWORK_H
#define BENCH_NETWORK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness/report_model.h"
#include "harness/results.h"
#include "../net/plan.h"
#include "../runners/record.h"

/* bench's server on the host side of one instance's link: a thread that
 * serves one connection at a time (lib/net_wire.h) until stopped. */
struct network_server {
	int fd;
	pthread_t thread;
	bool running;
	volatile int stop;
	long long served;      /* connections served */
};

/* Listens on addr:port (host order); SO_REUSEADDR, so that it may share
 * the port with the run's reservation (network_port_reserve). */
int network_server_start(struct network_server *s, uint32_t addr, uint16_t port, bench_error *err);
void network_server_stop(struct network_server *s);
/* A free port, held (bound, not listening, on every address) by *fd for
 * the run, so that nothing else takes it meanwhile. */
int network_port_reserve(int *fd, uint16_t *port, bench_error *err);

/* One DATA record of the network task into res, under runner and the
 * mode's label (the link's mode, "lo" for the instance's loopback).
 * Returns 1 for DONE, 0 for a record taken, -1 with *err. */
int network_data_apply(const struct agent_record *rec, const char *runner, const char *mode, struct results *res,
		       unsigned *mtu, bench_error *err);

/* The table printed after the run (medians, p99, ratios to the host). */
void network_report_print(const struct results *res, FILE *out);
void network_section_table(struct doc *d, const struct results *res);
void network_section_summary(struct doc *d, const struct report_folder *f, const char *host);
int plot_network(const struct results *res, const char *dir, bench_error *err);

#endif
