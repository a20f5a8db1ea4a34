/* emu/spec_run.h - EMU: one test of a spec (emu/testspec.h) sent through an emulated kernel,
 * for `nfemu test` (which judges each packet) and `nfemu diff --spec` (which sends every
 * packet to two kernels and compares).  No kernel counterpart.  The kernel is booted as
 * replay boots it (emu/replay.h) from a state opened read-only; each one-line packet is built
 * into a frame (TCP seq/ack filled as a real exchange would have them, followed through NAT),
 * fed as a capture record 1 ms after the previous one, and what happened to it is kept in
 * binary (struct pkt_obs): its fate and those of the packets generated in answer, the kernel
 * log lines, and what three nf_hooks see.  Statistic decisions are the caller's
 * (net->emu_stat_force); by default the seeded PRNG draws them, as replay does.
 */
#ifndef NFEMU_EMU_SPEC_RUN_H
#define NFEMU_EMU_SPEC_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include "emu/output_int.h"
#include "emu/testspec.h"
#include "hooks/netfilter.h"

#define PKT_OBS_MAX_FATES (OUT_MAX_CHILDREN + 1)

/* A growing string (messages, traces). */
struct spec_buf {
	char *s;
	size_t len, cap;
};

void spec_buf_add(struct spec_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string (malloc'd, "" when empty); the buffer is empty after. */
char *spec_buf_take(struct spec_buf *b);

/* What one packet did in one kernel. */
struct pkt_obs {
	struct fate fates[PKT_OBS_MAX_FATES];   /* [0] the packet, [k] its k-th generated one */
	unsigned int nfates;
	bool have;                              /* [0] is there: the packet was processed */
	char *log;                              /* the kernel log lines while it was processed,
						 * each ending in '\n' */
	size_t loglen, logcap;
	bool filter_seen;                       /* reached a filter-priority hook */
	enum spec_ct ct;                        /* the ct state there */
	bool seen;                              /* any of the hooks saw it: the fields below */
	u32 mark;
	u8 proto;
	u32 saddr, daddr;                       /* network order */
	u16 sport, dport;                       /* host order; tcp/udp */
};

/* Keep a fate of the packet observed (the caller checks it is this packet's). */
void pkt_obs_fate(struct pkt_obs *o, const struct fate *f);
/* Keep a kernel log line (its trailing newlines dropped, one added). */
void pkt_obs_log(struct pkt_obs *o, const char *line, size_t len);

/* A TCP connection the test's packets make: next sequence number of each side, and the
 * endpoint pairs it goes by (as sent, and as NAT rewrote it). */
struct spec_alias {
	u32 a, b;
	u16 ap, bp;
	int flow, side_of_a;
};

struct spec_tcp {
	u32 nxt[2];
	bool started[2];
};

/* One test in one kernel. */
struct spec_run {
	const struct spec *spec;
	const struct spec_test *test;
	const char *topology;                   /* the spec's, or the one given instead */
	struct replay *r;
	struct net *net;
	struct pkt_obs *obs;                    /* per packet */
	size_t cur;                             /* the packet being processed */
	u64 n;                                  /* its number (1-based) */
	struct nf_hook_ops ops[8];
	unsigned int nops;
	bool ct_loaded;                         /* the ruleset loaded nf_conntrack */
	struct spec_alias *alias;
	size_t nalias;
	struct spec_tcp *tcp;
	size_t ntcp;
};

/* Boot a kernel for test t of spec s: topology (NULL: the spec's), the state (opened
 * read-only), the spec's seed and open-ports.  0, or -1 with the setup error in err (the
 * reason itself already on stderr); spec_run_close(r) either way. */
int spec_run_open(struct spec_run *r, const struct spec *s, const struct spec_test *t,
		  const char *topology, const char *state, struct spec_buf *err);
/* Send packet i of the test (in order, from 0); r->obs[i] says what it did.  0, or -1 with
 * the setup error in err ("SPEC:LINE: packet: ..."). */
int spec_run_send(struct spec_run *r, size_t i, struct spec_buf *err);
void spec_run_close(struct spec_run *r);

#endif
