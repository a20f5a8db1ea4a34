/* emu/output.h - EMU: what `nfemu replay` prints: fate lines, JSON Lines, pcaps, summary.
 * No kernel counterpart.  Installs itself as the kernel's observer (kernel/observe.h) and log
 * sink (net->nf.log.sink) and turns what the kernel reports about one capture packet into
 * its fate line, JSON Lines, pcap frames, a progress bar and the closing summary.
 * Formats: docs/replay.md.
 */
#ifndef NFEMU_EMU_OUTPUT_H
#define NFEMU_EMU_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "kernel/kernel.h"

struct net;
struct sk_buff;

struct fate;

struct nfemu_output_opts {
	FILE *trace;                    /* kernel log + fate lines, NULL for none */
	bool explain;                   /* also conntrack's events in the trace ("#   ct: ...") */
	bool explain_walk;              /* also each hook function called and ipt_do_table's walk */
	bool explain_no_load;           /* but not the module events of the rules' load before
					 * packet #1 (nfemu trace: about its one packet only) */
	bool rules_text;                /* the deciding rules as iptables-save shows them: a "#   "
					 * line after the fate line, "rule_text" in JSON Lines */
	bool trace_levels;              /* kernel log lines as `dmesg -r` prints them: "<4>TRACE: ..." */
	FILE *jsonl;                    /* JSON Lines, NULL for none */
	const char *egress_dir;         /* DIR/IFACE.pcap and DIR/dropped.pcap, NULL for none */
	FILE *summary;                  /* the closing summary */
	bool progress;                  /* draw a progress bar on stderr */
	const char *capture_name;       /* for the summary */
	/* every fate as its group ends (nfemu diff), in binary: struct fate (emu/output_int.h) */
	void (*fate_cb)(void *ctx, const struct fate *f);
	void *fate_ctx;
	FILE *report;                   /* --report: the HTML page (write_report.c), NULL for none */
};

struct nfemu_output;

/* Hook into net (observer and log sink) and open the egress directory.  -errno with one line
 * in err on failure. */
int nfemu_output_open(struct nfemu_output **op, struct net *net, const struct nfemu_output_opts *opts,
		      char *err, size_t errlen);

/* Create DIR/IFACE.pcap now, so an interface nothing left by still has its (empty) file. */
struct net_device;
void nfemu_output_egress_touch(struct nfemu_output *o, struct net_device *dev);

/* How the ingress of a captured packet was chosen (for JSON: "ingress_by"). */
enum nfemu_ingress_by {
	NFEMU_INGRESS_OPTION,           /* --in */
	NFEMU_INGRESS_PCAPNG,           /* the pcapng interface name */
	NFEMU_INGRESS_ROUTE,            /* the interface that routes back to the source */
	NFEMU_INGRESS_LOCAL,            /* the source is the host's: LOCAL_OUT */
	NFEMU_INGRESS_IFINDEX,          /* SLL2's interface index */
	NFEMU_INGRESS_MAC,              /* the destination MAC is the interface's */
	NFEMU_INGRESS_SEGMENT,          /* a broadcast/multicast from a sender on its segment */
};

/* A captured IPv4 packet is about to be processed.  ingress NULL for LOCAL_OUT. */
void nfemu_output_packet_begin(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
			       enum nfemu_ingress_by by, const unsigned char *l3, unsigned int l3len,
			       unsigned int wire_len);
/* It reached the PREROUTING hook (so a drop before it was ip_rcv's). */
void nfemu_output_saw_prerouting(struct nfemu_output *o, const struct sk_buff *skb);
/* It has been processed to completion: print its fate and its children's. */
void nfemu_output_packet_end(struct nfemu_output *o);
/* A record that was not replayed: not IPv4, undecodable, truncated by the snap length, an
 * outgoing copy.  l3 (may be NULL) describes an IPv4 packet, else what names the frame ("ARP");
 * kind is the summary's key ("non-IPv4"), detail the reason shown. */
void nfemu_output_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
		       const unsigned char *l3, unsigned int l3len, const char *what,
		       const char *kind, const char *detail);
/* Whether l3 (an outgoing record of the host's) is the capture's copy of a packet the host
 * generated during the replay and sent lately (emu/reply_copy.c): if so, id gets its "N.k"
 * and it is matched no more. */
bool nfemu_output_generated_copy(struct nfemu_output *o, const unsigned char *l3,
				 unsigned int len, char *id, size_t idlen);
/* A note from the replay itself (not the kernel), printed as a fate-style line. */
void nfemu_output_note(struct nfemu_output *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Redraw the progress bar if it is due (cheap to call per packet). */
void nfemu_output_progress(struct nfemu_output *o, u64 done_bytes, u64 total_bytes);
/* Print the summary, close the pcaps and unhook from the net.  0 or -EIO (a write failed). */
int nfemu_output_close(struct nfemu_output *o, char *err, size_t errlen);

#endif
