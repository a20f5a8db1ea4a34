/* emu/cmd_replay.c - EMU: `nfemu replay`: run a capture through the emulated kernel.
 * No kernel counterpart: the NIC driver and raw-socket user.  Loads a ruleset and topology,
 * then feeds each packet, on the capture's clock, to netif_receive_skb (Ethernet), nfemu_rx_l3
 * (no usable link layer) or nfemu_local_out (the host's own), one at a time.  Tracing every
 * packet is an nf_hook at -350, as the harness's `meta nftrace set 1` chain.  docs/replay.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/byteorder.h>
#include <linux/if_packet.h>
#include "emu/capture.h"
#include "emu/cli.h"
#include "emu/ingress.h"
#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/output.h"
#include "emu/replay.h"
#include "emu/topology.h"
#include "nat/nf_nat_masquerade.h"
#include "kernel/random.h"
#include "emu/state.h"
#include "hooks/netfilter.h"
#include "netstack/inet.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"
#include "netstack/sock.h"
#include "xtables/ip_tables.h"

/* include/linux/skbuff.h: what drivers reserve in front of the Ethernet header. */
#ifndef NET_IP_ALIGN
#define NET_IP_ALIGN 2
#endif
/* Where the nft chain that sets nftrace sits in the harness: after defrag, before raw. */
#define REPLAY_NFTRACE_PRIORITY (-350)

struct replay_opts {
	const char *topology, *rules, *state, *in, *trace, *jsonl, *egress, *capture, *report;
	bool trace_only_marked;
	bool explain;
	bool explain_walk;              /* --explain (every layer), not --explain=ct */
	bool trace_levels;
	bool rules_text;                /* --rules-text, or implied by --explain */
	bool open_ports;
	u64 seed;
	bool seed_given;
};

struct replay {
	struct net *net;
	struct nfemu_output *out;
	bool trace_all;
	struct nf_hook_ops ops[2];
	unsigned int nops;
	bool loaded_logger;             /* nf_log_syslog was loaded for the trace: unload it after */
	bool commit;                    /* replay_run_open(commit): write the state back at close */
	struct net_device *in_dev;      /* --in */
	struct sock sk;                 /* the uid 0 socket locally sent packets come from */
	struct nfemu_state st;          /* the state the kernel was loaded from */
	bool state_open;
	struct nfemu_rules_temp rules_tmp;      /* --rules: the temporary state */
	char state_path[PATH_MAX + 16];
	FILE *trace, *jsonl, *report;
	struct nfemu_ingress_learn learnt; /* senders' MACs and the interface they arrived on */
	char unknown_ifs[8][64];        /* pcapng interface names already said to be unknown */
	unsigned int nunknown;
	/* What the FIB says about a source address (is it the host's, which interface routes
	 * back to it), kept per address: the routes do not change while a capture is replayed,
	 * and a capture's packets come from few sources.  Direct-mapped. */
	struct replay_src {
		__be32 saddr;
		bool valid, local;
		struct net_device *back;
	} src_cache[1024];
};

static struct replay_src *replay_src(struct replay *r, __be32 saddr)
{
	u32 h = (u32)saddr * 2654435761u;
	struct replay_src *c = &r->src_cache[h >> 22];

	if (!c->valid || c->saddr != saddr) {
		c->saddr = saddr;
		c->valid = true;
		c->local = nfemu_addr_is_local(r->net, saddr);
		c->back = nfemu_dev_route_back(r->net, saddr);
	}
	return c;
}

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: nfemu replay --topology FILE (--rules RULES.v4 | --state FILE) [--in IFACE]\n"
		"                    [--trace FILE|-] [--trace-levels] [--trace-only-marked] [--explain[=ct]] [--jsonl FILE|-]\n"
		"                    [--rules-text]\n"
		"                    [--egress DIR] [--report FILE.html] [--open-ports]\n"
		"                    [--seed N] CAPTURE\n"
		"  Run every packet of CAPTURE (pcap or pcapng) through the emulated kernel: the\n"
		"  topology's interfaces, addresses and routes, and the ruleset loaded by the real\n"
		"  iptables-legacy-restore (--rules) or kept in a state file (--state, whose counters\n"
		"  are written back).\n"
		"  --trace          kernel log lines (TRACE, LOG) and one fate line (\"#N ...\") per packet\n"
		"  --trace-only-marked  trace only what the TRACE target marks (default: every packet)\n"
		"  --trace-levels   prefix kernel log lines with their printk level, as dmesg -r does\n"
		"                   (\"<4>TRACE: ...\", \"<6>in-drop: ...\" for LOG --log-level 6)\n"
		"  --explain        also, in the trace, each hook function called with its priority and\n"
		"                   verdict, ipt_do_table's walk (jump, goto, RETURN, the deciding rule),\n"
		"                   conntrack (\"#   ct: ...\") and NAT (\"#   nat: ...\") decisions,\n"
		"                   nf_queue and nf_log_packet calls, and module loads and references\n"
		"                   (those of the rules' load before packet #1)\n"
		"  --explain=ct     only the conntrack and NAT lines\n"
		"  --rules-text     the rules a fate line names, as iptables-legacy-save prints them, on\n"
		"                   a line after it (\"#   filter:INPUT:rule:3: -A INPUT -p tcp ... -j DROP\");\n"
		"                   in JSON Lines, \"rule_text\" (--explain implies it)\n"
		"  --jsonl          one JSON object per event (docs/replay.md)\n"
		"  --egress DIR     DIR/IFACE.pcap per interface, DIR/dropped.pcap\n"
		"  --report FILE    one self-contained HTML page: summary, packets, each packet's hooks,\n"
		"                   walk, TRACE lines, conntrack and NAT (docs/replay.md)\n"
		"  --in IFACE       the interface every packet arrives on (default: the pcapng interface,\n"
		"                   else what the frame says -- SLL2's index, the destination MAC, a\n"
		"                   broadcast's segment -- else the one routing back to the source; the\n"
		"                   host's own frames are sent through OUTPUT)\n"
		"  --open-ports     every local TCP and UDP port has a listening socket (root's): packets\n"
		"                   to the host are delivered, never answered with RST or port\n"
		"                   unreachable (the topology's `listen` lines declare sockets one by one)\n"
		"  --seed N         seed of the kernel's randomness (statistic, ...), default 0; on a\n"
		"                   --state a replay ran before, its randomness goes on unless given\n");
}

/* "--opt VALUE" or "--opt=VALUE" at argv[*i] (emu/cli.h). */
int cli_value_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		(*i)++;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "nfemu: %s: %s needs a value\n", cmd, name);
		return -1;
	}
	*val = argv[*i + 1];
	*i += 2;
	return 1;
}

static int replay_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	return cli_value_opt("replay", argc, argv, i, name, val);
}

static int replay_parse(int argc, char **argv, struct replay_opts *o)
{
	static const struct {
		const char *name;
		size_t off;
	} valued[] = {
		{ "--topology", offsetof(struct replay_opts, topology) },
		{ "--rules", offsetof(struct replay_opts, rules) },
		{ "--state", offsetof(struct replay_opts, state) },
		{ "--in", offsetof(struct replay_opts, in) },
		{ "--trace", offsetof(struct replay_opts, trace) },
		{ "--jsonl", offsetof(struct replay_opts, jsonl) },
		{ "--egress", offsetof(struct replay_opts, egress) },
		{ "--report", offsetof(struct replay_opts, report) },
	};
	const char *seed = NULL;
	bool dashdash = false;
	int i = 1;

	memset(o, 0, sizeof(*o));
	while (i < argc) {
		const char *arg = argv[i];
		bool taken = false;
		int r;

		if (!dashdash && arg[0] == '-' && arg[1]) {
			if (!strcmp(arg, "--")) {
				dashdash = true;
				i++;
				continue;
			}
			if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
				replay_usage(stdout);
				return 1;
			}
			if (!strcmp(arg, "--trace-only-marked")) {
				o->trace_only_marked = true;
				i++;
				continue;
			}
			if (!strcmp(arg, "--explain") || !strcmp(arg, "--explain=ct")) {
				o->explain = true;
				o->explain_walk = !strcmp(arg, "--explain");
				i++;
				continue;
			}
			if (!strcmp(arg, "--rules-text")) {
				o->rules_text = true;
				i++;
				continue;
			}
			if (!strcmp(arg, "--trace-levels")) {
				o->trace_levels = true;
				i++;
				continue;
			}
			if (!strcmp(arg, "--open-ports")) {
				o->open_ports = true;
				i++;
				continue;
			}
			for (size_t k = 0; k < ARRAY_SIZE(valued) && !taken; k++) {
				r = replay_opt(argc, argv, &i, valued[k].name,
					       (const char **)((char *)o + valued[k].off));
				if (r < 0)
					return -1;
				taken = r;
			}
			if (taken)
				continue;
			r = replay_opt(argc, argv, &i, "--seed", &seed);
			if (r < 0)
				return -1;
			if (r)
				continue;
			fprintf(stderr, "nfemu: replay: unknown option '%s'\n", arg);
			return -1;
		}
		if (o->capture) {
			fprintf(stderr, "nfemu: replay: one capture at a time ('%s' and '%s')\n",
				o->capture, arg);
			return -1;
		}
		o->capture = arg;
		i++;
	}
	if (seed) {
		char *end;

		errno = 0;
		o->seed = strtoull(seed, &end, 0);
		o->seed_given = true;
		if (errno || !*seed || *end || seed[0] == '-') {
			fprintf(stderr, "nfemu: replay: --seed %s: not a number\n", seed);
			return -1;
		}
	}
	if (o->trace && o->jsonl && !strcmp(o->trace, "-") && !strcmp(o->jsonl, "-")) {
		fprintf(stderr, "nfemu: replay: --trace - and --jsonl -: only one can go to stdout\n");
		return -1;
	}
	if (o->explain && !o->trace) {
		fprintf(stderr, "nfemu: replay: --explain adds lines to the trace: it needs --trace\n");
		return -1;
	}
	if (o->rules_text && !o->trace && !o->jsonl && !o->report) {
		fprintf(stderr, "nfemu: replay: --rules-text adds to the trace, the JSON Lines or the "
				"report: it needs --trace, --jsonl or --report\n");
		return -1;
	}
	if (!o->topology) {
		fprintf(stderr, "nfemu: replay: --topology FILE is required\n");
		return -1;
	}
	if (o->rules && o->state) {
		fprintf(stderr, "nfemu: replay: --rules and --state: give one of them\n");
		return -1;
	}
	if (!o->rules && !o->state) {
		/* `nfemu --state FILE replay ...` and $NFEMU_STATE name a state too */
		const char *env = getenv("NFEMU_STATE");

		if (!env || !env[0]) {
			fprintf(stderr, "nfemu: replay: give the ruleset: --rules RULES.v4 or --state FILE\n");
			return -1;
		}
		o->state = env;
	}
	if (!o->capture) {
		fprintf(stderr, "nfemu: replay: no capture file given\n");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the nftrace hook */

/* EMU: stands in for an nft chain at priority -350 with `meta nftrace set 1` (nft itself is
 * not emulated): every packet entering PREROUTING or LOCAL_OUT is traced by ipt_do_table from
 * then on.  It also tells the outputs that the packet got past ip_rcv. */
static unsigned int replay_nftrace_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct replay *r = priv;

	if (state->hook == NF_INET_PRE_ROUTING)
		nfemu_output_saw_prerouting(r->out, skb);
	if (r->trace_all)
		skb->nf_trace = 1;
	return NF_ACCEPT;
}

/* The harness binds the kernel-log logger for TRACE (`modprobe nf_log_syslog`, echo nf_log_ipv4
 * > /proc/sys/net/netfilter/nf_log/2); the replay does the same when it traces every packet. */
static int replay_bind_logger(struct replay *r)
{
	int ret;

	if (!find_module(r->net, "nf_log_syslog")) {
		ret = request_module(r->net, "nf_log_syslog");
		if (ret)
			return ret;
		r->loaded_logger = true;
	}
	if (!r->net->nf.log.nf_loggers[NFPROTO_IPV4] && r->net->gen[NET_GENERIC_LOG])
		nf_log_bind_pf(r->net, NFPROTO_IPV4, r->net->gen[NET_GENERIC_LOG]);
	return 0;
}

static int replay_hooks_register(struct replay *r)
{
	static const unsigned int hooks[] = { NF_INET_PRE_ROUTING, NF_INET_LOCAL_OUT };

	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (hooks[i] == NF_INET_LOCAL_OUT && !r->trace_all)
			continue;
		r->ops[r->nops] = (struct nf_hook_ops){
			.hook = replay_nftrace_hook,
			.priv = r,
			.pf = NFPROTO_IPV4,
			.hooknum = hooks[i],
			.priority = REPLAY_NFTRACE_PRIORITY,
			.name = "nfemu-replay-nftrace",
		};
		r->nops++;
	}
	return nf_register_net_hooks(r->net, r->ops, r->nops);
}

/* ---------------------------------------------------------------- one packet */

static const char *ethertype_name(u16 type, char *buf, size_t len)
{
	switch (type) {
	case 0x0806: return "ARP";
	case 0x86DD: return "IPv6";
	case 0x8035: return "RARP";
	case 0x88CC: return "LLDP";
	case 0x8847: case 0x8848: return "MPLS";
	case 0x8863: case 0x8864: return "PPPoE";
	case 0: return "802.3/LLC";
	default:
		snprintf(buf, len, "ethertype 0x%04x", type);
		return buf;
	}
}

/* The interface a received packet came in on: --in, else the pcapng name when it is one of
 * the topology's, else what the frame says (SLL2's index, the destination MAC, a broadcast's
 * segment: emu/ingress.c), else the one routing back to the source. */
static struct net_device *replay_ingress(struct replay *r, const struct nfemu_capture_pkt *pkt,
					 const struct nfemu_frame *fr, __be32 saddr, bool have_saddr,
					 enum nfemu_ingress_by *by)
{
	struct net_device *dev;

	if (r->in_dev) {
		*by = NFEMU_INGRESS_OPTION;
		return r->in_dev;
	}
	if (pkt->ifname) {
		dev = dev_get_by_name(r->net, pkt->ifname);
		if (dev) {
			*by = NFEMU_INGRESS_PCAPNG;
			return dev;
		}
		if (r->nunknown < ARRAY_SIZE(r->unknown_ifs)) {
			unsigned int i;

			for (i = 0; i < r->nunknown; i++)
				if (!strncmp(r->unknown_ifs[i], pkt->ifname, sizeof(r->unknown_ifs[i])))
					break;
			if (i == r->nunknown) {
				snprintf(r->unknown_ifs[r->nunknown++], sizeof(r->unknown_ifs[0]), "%.63s",
					 pkt->ifname);
				nfemu_output_note(r->out, "capture interface '%s' is not in the topology: "
						  "its packets enter where the frame or their source says", pkt->ifname);
			}
		}
	}
	dev = nfemu_ingress_from_frame(r->net, &r->learnt, fr, saddr, have_saddr, by);
	if (dev)
		return dev;
	*by = NFEMU_INGRESS_ROUTE;
	/* 0.0.0.0 (a DHCP client) has no route back: the default route would be a guess */
	return have_saddr && saddr ? replay_src(r, saddr)->back : NULL;
}

static void replay_skb_init(struct replay *r, struct sk_buff *skb, u64 n, u64 ts_ns)
{
	skb->emu_id = n;
	skb->emu_net = r->net;
	skb->tstamp = ts_ns;
	skb->protocol = __cpu_to_be16(ETH_P_IP);
}

/* A packet the host sent (its source is the host's): LOCAL_OUT from a uid 0 raw socket, the
 * IP packet only (Ethernet padding cut off by the IP total length, as the socket sends it). */
static void replay_local_out(struct replay *r, u64 n, u64 ts_ns, const struct nfemu_frame *fr)
{
	unsigned int len = fr->l3len, tot = (unsigned int)(fr->l3[2] << 8 | fr->l3[3]);
	struct sk_buff *skb;

	if (tot >= 20 && tot < len)
		len = tot;
	nfemu_output_packet_begin(r->out, n, ts_ns, NULL, NFEMU_INGRESS_LOCAL, fr->l3, len, len);
	skb = alloc_skb(len);
	if (!skb) {
		nfemu_output_note(r->out, "#%llu: out of memory", (unsigned long long)n);
		nfemu_output_packet_end(r->out);
		return;
	}
	replay_skb_init(r, skb, n, ts_ns);
	memcpy(skb_put(skb, len), fr->l3, len);
	skb_reset_network_header(skb);
	r->sk.sk_protocol = IPPROTO_RAW;
	/* from the socket of the source's address and port when the host has one (a `listen`
	 * line, --open-ports), else from a raw socket of uid 0 */
	nfemu_sock_local_out(r->net, skb, &r->sk);
	nfemu_output_packet_end(r->out);
}

/* EMU: a cooked capture (SLL) kept the source MAC and the packet type, not the destination:
 * rebuild it from the packet type, for MAC= in log lines. */
static void replay_sll_dst(struct nfemu_frame *fr, const struct net_device *dev)
{
	switch (fr->pkt_type) {
	case PACKET_BROADCAST:
		memset(fr->eth, 0xff, ETH_ALEN);
		break;
	case PACKET_MULTICAST:
		fr->eth[0] = 0x01;
		fr->eth[1] = 0x00;
		fr->eth[2] = 0x5e;
		if (fr->l3len >= 20) {
			fr->eth[3] = fr->l3[17] & 0x7f;
			fr->eth[4] = fr->l3[18];
			fr->eth[5] = fr->l3[19];
		}
		break;
	case PACKET_HOST:
		if (dev->addr_len == ETH_ALEN)
			memcpy(fr->eth, dev->dev_addr, ETH_ALEN);
		break;
	default:
		break;          /* another host's: an all-zero destination is not ours */
	}
}

static void replay_receive(struct replay *r, u64 n, u64 ts_ns, struct net_device *dev,
			   enum nfemu_ingress_by by, struct nfemu_frame *fr, unsigned int wire_len)
{
	unsigned int hlen = fr->has_eth ? ETH_HLEN : 0;
	unsigned int tags = fr->has_eth && fr->eth_dst_known ? fr->vlan_tags_len : 0;
	struct sk_buff *skb;

	nfemu_output_packet_begin(r->out, n, ts_ns, dev->name, by, fr->l3, fr->l3len, wire_len);
	/* a tagged frame is received by the device under the VLAN devices (vlan_do_receive
	 * takes it up to the one for its tag) */
	while (tags && dev->rtnl_kind == NFEMU_DEV_VLAN)
		dev = dev->vlan_real_dev;
	skb = alloc_skb(NET_IP_ALIGN + hlen + tags + fr->l3len);
	if (!skb) {
		nfemu_output_note(r->out, "#%llu: out of memory", (unsigned long long)n);
		nfemu_output_packet_end(r->out);
		return;
	}
	/* skb_reserve(skb, NET_IP_ALIGN), as drivers do: the IP header behind the 14-byte
	 * Ethernet header lands on a 4-byte boundary */
	if (hlen)
		skb->data += NET_IP_ALIGN;
	replay_skb_init(r, skb, n, ts_ns);
	skb->dev = dev;
	skb->skb_iif = dev->ifindex;
	if (fr->has_eth && !fr->eth_dst_known)
		replay_sll_dst(fr, dev);
	if (fr->has_eth && tags) {
		memcpy(skb_put(skb, 2 * ETH_ALEN), fr->eth, 2 * ETH_ALEN);
		memcpy(skb_put(skb, tags), fr->vlan_tags, tags);
		memcpy(skb_put(skb, 2), fr->eth + 2 * ETH_ALEN, 2);
	} else if (fr->has_eth) {
		memcpy(skb_put(skb, ETH_HLEN), fr->eth, ETH_HLEN);
	}
	memcpy(skb_put(skb, fr->l3len), fr->l3, fr->l3len);
	if (fr->has_eth && fr->eth_dst_known) {
		/* an Ethernet frame, 802.1Q tags and all: the device received it */
		skb_reset_mac_header(skb);
		netif_receive_skb(skb);
	} else {
		/* no Ethernet header was captured (raw IP, loopback, cooked): straight to IPv4 */
		if (fr->has_eth) {
			skb_reset_mac_header(skb);
			skb->mac_len = ETH_HLEN;
			skb_pull(skb, ETH_HLEN);
		}
		skb_reset_network_header(skb);
		skb->pkt_type = fr->pkt_type >= 0 && fr->pkt_type <= PACKET_OTHERHOST ? fr->pkt_type :
				PACKET_HOST;
		nfemu_rx_l3(skb);
	}
	nfemu_output_packet_end(r->out);
}

/* Whether the host sent this packet: its source is one of the host's addresses and the frame
 * left the host (pcapng outbound, SLL outgoing, an Ethernet source MAC of the host's), or the
 * capture does not say which way it went (raw IP) or it was captured on lo.  A frame arriving
 * from elsewhere that merely claims a host address is a spoof, and is received. */
static bool replay_sent_by_host(struct replay *r, const struct nfemu_capture_pkt *pkt,
				enum nfemu_frame_dir dir, __be32 saddr)
{
	if (!replay_src(r, saddr)->local)
		return false;
	if (pkt->ifname && !strcmp(pkt->ifname, "lo"))
		return true;
	return dir != NFEMU_DIR_IN;
}

/* One capture record: decode it, choose where it enters, run it to completion. */
static void replay_one(struct replay *r, u64 n, const struct nfemu_capture_pkt *pkt)
{
	const char *ifname = r->in_dev ? r->in_dev->name : pkt->ifname;
	struct nfemu_frame fr;
	char why[160], buf[32];
	enum nfemu_ingress_by by;
	enum nfemu_frame_dir dir;
	struct net_device *dev;
	__be32 saddr = 0;
	bool have_saddr;

	nfemu_clock_set(r->net, pkt->ts_ns);
	if (nfemu_frame_decode(pkt, &fr, why, sizeof(why))) {
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, NULL, 0, "frame", "undecodable", why);
		return;
	}
	if (fr.ethertype != ETH_P_IP) {
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, NULL, 0,
				  ethertype_name(fr.ethertype, buf, sizeof(buf)), "non-IPv4", "not IPv4");
		return;
	}
	/* EMU: a packet cut by the snap length would be judged on bytes it did not have */
	if (pkt->caplen < pkt->origlen) {
		snprintf(why, sizeof(why), "cut to %u of %u bytes by the capture's snap length",
			 pkt->caplen, pkt->origlen);
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, fr.l3, fr.l3len, NULL, "truncated", why);
		return;
	}
	have_saddr = fr.l3len >= 20;
	if (have_saddr)
		memcpy(&saddr, fr.l3 + 12, 4);
	dir = nfemu_frame_direction(r->net, pkt, &fr);
	/* the capture's copy of an answer the replay generated itself (an echo reply, a RST, an
	 * ICMP error of the host's): sent once, by the replay */
	if (dir != NFEMU_DIR_IN && have_saddr &&
	    nfemu_output_generated_copy(r->out, fr.l3, fr.l3len, buf, sizeof(buf))) {
		snprintf(why, sizeof(why), "the capture's copy of #%s, which the replay generated",
			 buf);
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, fr.l3, fr.l3len, NULL, "generated copy",
				  why);
		return;
	}
	if (have_saddr && replay_sent_by_host(r, pkt, dir, saddr)) {
		replay_local_out(r, n, pkt->ts_ns, &fr);
		return;
	}
	/* EMU: a copy the capture saw leave (and not the host's own) is not replayed: the packet
	 * it copies was replayed when it came in */
	if (dir == NFEMU_DIR_OUT) {
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, fr.l3, fr.l3len, NULL, "outgoing",
				  "an outgoing copy: the capture saw it leave");
		return;
	}
	dev = replay_ingress(r, pkt, &fr, saddr, have_saddr, &by);
	if (!dev) {
		nfemu_output_skip(r->out, n, pkt->ts_ns, ifname, fr.l3, fr.l3len, NULL, "no ingress",
				  have_saddr && saddr ? "no interface routes back to its source" :
				  "no IPv4 source address to route back to; use --in");
		return;
	}
	replay_receive(r, n, pkt->ts_ns, dev, by, &fr, pkt->origlen);
}

/* ---------------------------------------------------------------- the command */

static FILE *replay_fopen(const char *path, const char *what)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "nfemu: replay: %s %s: %s\n", what, path, strerror(errno));
	return f;
}

static void replay_fclose(FILE *f, const char *path, const char *what, int *status)
{
	if (!f || f == stdout)
		return;
	if (fclose(f)) {
		fprintf(stderr, "nfemu: replay: %s %s: %s\n", what, path, strerror(errno));
		*status = 1;
	}
}

/* Give every interface its egress file, even if nothing leaves by it. */
static void replay_touch_egress(struct replay *r)
{
	struct net_device *dev;

	list_for_each_entry(dev, &r->net->ipv4.dev_base_head, dev_list)
		if (!(dev->flags & IFF_LOOPBACK))
			nfemu_output_egress_touch(r->out, dev);
}

/* A rule of the ruleset names an interface the topology does not have. */
static void replay_warn_iface(void *ctx, const char *msg)
{
	fprintf(stderr, "nfemu: replay: warning: %s (%s)\n", msg, (const char *)ctx);
}

/* Boot the kernel: the ruleset (--rules through iptables-legacy-restore into a temporary
 * state, or --state), the seed, the topology, the run-time check of the extensions, --in.
 * 0, or -1 with the message printed. */
static int replay_kernel_open(struct replay *r, const struct replay_opts *o)
{
	char err[1024];
	int ret;

	if (o->rules) {
		char label[PATH_MAX + 32];

		snprintf(label, sizeof(label), "nfemu: replay: --rules %s", o->rules);
		if (nfemu_rules_temp_load(&r->rules_tmp, o->rules, "replay", label, true))
			return -1;
		snprintf(r->state_path, sizeof(r->state_path), "%s", r->rules_tmp.state);
	} else {
		struct stat sb;

		snprintf(r->state_path, sizeof(r->state_path), "%s", nfemu_state_path(o->state));
		if (stat(r->state_path, &sb) < 0) {
			fprintf(stderr, "nfemu: replay: --state %s: %s\n", r->state_path, strerror(errno));
			return -1;
		}
	}
	if (nfemu_state_open(&r->st, r->state_path, &r->net, err, sizeof(err))) {
		fprintf(stderr, "nfemu: replay: %s\n", err);
		return -1;
	}
	r->state_open = true;

	/* before the topology, whose devices without an address get MACs from the PRNG */
	nfemu_random_seed(r->net, o->seed);
	err[0] = '\0';
	ret = inet_net_init(r->net);
	if (!ret) {
		char warn[1024];

		ret = nfemu_topology_load_warn(r->net, o->topology, err, sizeof(err), warn, sizeof(warn));
		if (!ret && warn[0])
			fprintf(stderr, "nfemu: replay: %s\n", warn);
	}
	if (ret) {
		fprintf(stderr, "nfemu: replay: %s\n", err[0] ? err : strerror(-ret));
		return -1;
	}
	inet_open_ports(r->net, o->open_ports);
	/* a state a replay has run before goes on drawing where that one stopped (the topology
	 * above drew its MACs from the seed, as every run does), unless --seed says otherwise */
	if (r->net->rnd_saved_valid && !o->seed_given)
		memcpy(r->net->rnd_state, r->net->rnd_saved, sizeof(r->net->rnd_state));
	r->net->rnd_in_use = true;
	/* masqueraded entries of the state whose device or address this topology lacks */
	nf_nat_masquerade_sweep(r->net);
	if (ipt_check_emulated(r->net, err, sizeof(err))) {
		fprintf(stderr, "nfemu: replay: %s: %s\n", o->rules ? o->rules : r->state_path, err);
		return -1;
	}
	ipt_check_interfaces(r->net, replay_warn_iface, (void *)o->topology);
	if (o->in) {
		r->in_dev = dev_get_by_name(r->net, o->in);
		if (!r->in_dev) {
			fprintf(stderr, "nfemu: replay: --in %s: no such interface in %s\n", o->in,
				o->topology);
			return -1;
		}
	}
	return 0;
}

/* Open the trace, the JSON Lines and the egress directory, hook the outputs into the kernel
 * and, to trace every packet, bind the logger and register the nftrace hook.  0 or -1. */
static int replay_outputs_open(struct replay *r, const struct replay_opts *o)
{
	struct nfemu_output_opts oo = { 0 };
	char err[1024];

	if (o->trace && !(r->trace = replay_fopen(o->trace, "--trace")))
		return -1;
	if (o->jsonl && !(r->jsonl = replay_fopen(o->jsonl, "--jsonl")))
		return -1;
	if (o->report && !(r->report = replay_fopen(o->report, "--report")))
		return -1;
	oo.report = r->report;
	oo.trace = r->trace;
	oo.explain = o->explain;
	oo.explain_walk = o->explain_walk;
	oo.rules_text = o->rules_text || o->explain_walk;
	oo.trace_levels = o->trace_levels;
	oo.jsonl = r->jsonl;
	oo.egress_dir = o->egress;
	oo.summary = r->trace == stdout || r->jsonl == stdout ? stderr : stdout;
	/* a bar on the terminal, unless the trace is being written to that same terminal */
	oo.progress = isatty(STDERR_FILENO) &&
		      !((r->trace == stdout || r->jsonl == stdout) && isatty(STDOUT_FILENO));
	oo.capture_name = o->capture;
	if (nfemu_output_open(&r->out, r->net, &oo, err, sizeof(err))) {
		fprintf(stderr, "nfemu: replay: %s\n", err);
		return -1;
	}
	if (o->egress)
		replay_touch_egress(r);
	/* Tracing every packet only matters when the trace is written somewhere. */
	r->trace_all = !o->trace_only_marked && (r->trace || r->jsonl || r->report);
	if (r->trace_all && replay_bind_logger(r)) {
		fprintf(stderr, "nfemu: replay: cannot load nf_log_syslog for the trace\n");
		return -1;
	}
	if (replay_hooks_register(r)) {
		fprintf(stderr, "nfemu: replay: cannot register the trace hook\n");
		r->nops = 0;
		return -1;
	}
	return 0;
}

/* Undo what was set up, in reverse; write the state back (--state, a complete replay).
 * Returns the exit status. */
static int replay_close(struct replay *r, const struct replay_opts *o, int status)
{
	char err[1024];

	if (r->nops)
		nf_unregister_net_hooks(r->net, r->ops, r->nops);
	if (r->loaded_logger)
		delete_module(r->net, "nf_log_syslog");  /* leave the kernel as it was */
	if (r->out && nfemu_output_close(r->out, err, sizeof(err))) {
		fprintf(stderr, "nfemu: replay: %s\n", err);
		status = 1;
	}
	replay_fclose(r->trace, o->trace, "--trace", &status);
	replay_fclose(r->jsonl, o->jsonl, "--jsonl", &status);
	replay_fclose(r->report, o->report, "--report", &status);
	if (r->state_open) {
		/* --state: the counters (and whatever else the replay changed) go back */
		if (status == 0 && !o->rules && nfemu_state_commit_last(&r->st, r->net, err, sizeof(err))) {
			fprintf(stderr, "nfemu: replay: %s\n", err);
			status = 1;
		}
		nfemu_state_close(&r->st);
	}
	if (r->net)
		net_free(r->net);
	nfemu_rules_temp_remove(&r->rules_tmp);
	return status;
}

int cmd_replay(int argc, char **argv)
{
	struct replay r = { .st = { .lock_fd = -1 } };
	struct nfemu_capture *cap = NULL;
	struct nfemu_capture_pkt pkt;
	struct replay_opts o;
	char err[1024];
	int ret, status;
	u64 n = 0;

	ret = replay_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	/* The capture first: a missing or broken file is the cheapest mistake to report. */
	if (nfemu_capture_open(&cap, o.capture, err, sizeof(err))) {
		fprintf(stderr, "nfemu: replay: %s\n", err);
		return 1;
	}
	if (replay_kernel_open(&r, &o) || replay_outputs_open(&r, &o)) {
		nfemu_capture_close(cap);
		return replay_close(&r, &o, 1);
	}
	while ((ret = nfemu_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		replay_one(&r, ++n, &pkt);
		nfemu_output_progress(r.out, nfemu_capture_tell(cap), nfemu_capture_size(cap));
	}
	nfemu_capture_close(cap);
	status = replay_close(&r, &o, ret < 0 ? 1 : 0);
	/* a capture that breaks off: after the summary of what was replayed, say where */
	if (ret < 0)
		fprintf(stderr, "nfemu: replay: %s\n", err);
	return status;
}

/* ---------------------------------------------------------------- for other commands (emu/replay.h) */

struct replay *replay_run_open(const struct replay_run_args *a, const struct nfemu_output_opts *oo)
{
	struct replay_opts o = { .topology = a->topology, .rules = a->rules, .state = a->state,
				 .seed = a->seed, .open_ports = a->open_ports };
	struct replay *r = calloc(1, sizeof(*r));
	char err[1024];

	if (!r) {
		fprintf(stderr, "nfemu: out of memory\n");
		return NULL;
	}
	r->st.lock_fd = -1;
	if (replay_kernel_open(r, &o))
		goto fail;
	r->commit = a->commit && a->state;
	if (!r->commit)
		nfemu_state_unlock(&r->st);     /* only read: another run may open the same state */
	if (nfemu_output_open(&r->out, r->net, oo, err, sizeof(err))) {
		fprintf(stderr, "nfemu: %s\n", err);
		goto fail;
	}
	r->trace_all = true;
	if (replay_bind_logger(r) || replay_hooks_register(r)) {
		fprintf(stderr, "nfemu: cannot set up the trace\n");
		goto fail;
	}
	return r;
fail:
	replay_close(r, &o, 1);         /* status 1: nothing is written back */
	free(r);
	return NULL;
}

struct net *replay_run_net(struct replay *r)
{
	return r->net;
}

void replay_run_packet(struct replay *r, u64 n, const struct nfemu_capture_pkt *pkt)
{
	replay_one(r, n, pkt);
}

void replay_run_no_commit(struct replay *r)
{
	if (r)
		r->commit = false;
}

int replay_run_close(struct replay *r)
{
	struct replay_opts o = { 0 };
	bool commit;
	int status;

	if (!r)
		return 0;
	/* status 0 writes a --state back (replay_close), 1 does not */
	commit = r->commit;
	status = replay_close(r, &o, commit ? 0 : 1);
	free(r);
	return commit ? status : 0;
}
