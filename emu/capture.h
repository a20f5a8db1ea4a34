/* emu/capture.h - EMU: reading captures for `nfemu replay`, writing egress pcaps.
 * No kernel counterpart: this is where packets come from instead of a NIC.  pcap through
 * libpcap, pcapng parsed block by block (libpcap hides each packet's interface name); one
 * packet in memory at a time.  Link types: Ethernet (802.1Q tags removed), Linux SLL and
 * SLL2, raw IPv4, BSD loopback (NULL/LOOP).
 */
#ifndef NFEMU_EMU_CAPTURE_H
#define NFEMU_EMU_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel/kernel.h"

/* LINKTYPE_* values (the numbers stored in files, https://www.tcpdump.org/linktypes.html). */
#define NFEMU_LINKTYPE_NULL 0
#define NFEMU_LINKTYPE_ETHERNET 1
#define NFEMU_LINKTYPE_RAW 101
#define NFEMU_LINKTYPE_LOOP 108
#define NFEMU_LINKTYPE_LINUX_SLL 113
#define NFEMU_LINKTYPE_IPV4 228
#define NFEMU_LINKTYPE_LINUX_SLL2 276

struct nfemu_capture;

/* One record of the capture.  data stays valid until the next nfemu_capture_next. */
struct nfemu_capture_pkt {
	u64 ts_ns;                      /* ns since the epoch */
	int linktype;                   /* NFEMU_LINKTYPE_* (other values: not decodable) */
	const unsigned char *data;
	unsigned int caplen;            /* bytes in data */
	unsigned int origlen;           /* bytes on the wire */
	const char *ifname;             /* pcapng: the IDB's if_name, else NULL */
	unsigned int if_id;             /* pcapng: the interface id in its section */
	u64 offset;                     /* byte offset of the record in the file */
	int direction;                  /* pcapng epb_flags: 0 unknown, 1 inbound, 2 outbound */
};

/* Open path (pcap or pcapng, told apart by the magic number).  On error returns -errno and
 * writes one line "FILE: what (byte N)" into err. */
int nfemu_capture_open(struct nfemu_capture **capp, const char *path, char *err, size_t errlen);
/* The next record: 1 = *pkt filled, 0 = end of file, <0 = error (one line in err, with the
 * file name and the byte offset of the bad record). */
int nfemu_capture_next(struct nfemu_capture *cap, struct nfemu_capture_pkt *pkt, char *err,
		       size_t errlen);
/* Bytes consumed so far and the file's size (for progress). */
u64 nfemu_capture_tell(const struct nfemu_capture *cap);
u64 nfemu_capture_size(const struct nfemu_capture *cap);
void nfemu_capture_close(struct nfemu_capture *cap);

/* A record taken apart down to its layer-3 payload. */
struct nfemu_frame {
	u16 ethertype;                  /* host order; 0 when unknown */
	const unsigned char *l3;        /* the network header */
	unsigned int l3len;
	/* The Ethernet header the host would have seen: the captured one (802.1Q tags removed)
	 * or, for SLL/SLL2, one rebuilt from the recorded link-layer source address. */
	bool has_eth;
	bool eth_dst_known;             /* false for SLL: eth[0..5] must be filled in */
	unsigned char eth[14];
	int pkt_type;                   /* SLL/SLL2 packet type (PACKET_HOST...), -1 unknown */
	int vlan;                       /* outermost 802.1Q VLAN id, -1 none */
	const unsigned char *vlan_tags; /* the 802.1Q/802.1ad tags as captured (TPID, TCI each) */
	unsigned int vlan_tags_len;     /* 4 per tag, 0 for an untagged frame */
	int sll_ifindex;                /* SLL2 interface index, -1 none */
};

/* Decode pkt's link layer.  Returns 0, or -EPROTONOSUPPORT with why set (unknown link type,
 * truncated header). */
int nfemu_frame_decode(const struct nfemu_capture_pkt *pkt, struct nfemu_frame *f, char *why,
		       size_t whylen);

/* Egress/dropped pcap files: Ethernet frames with ns timestamps (libpcap's pcap_dump). */
struct nfemu_pcap_writer;
int nfemu_pcap_writer_open(struct nfemu_pcap_writer **wp, const char *path, char *err,
			   size_t errlen);
int nfemu_pcap_writer_write(struct nfemu_pcap_writer *w, u64 ts_ns, const unsigned char *frame,
			    unsigned int len);
int nfemu_pcap_writer_close(struct nfemu_pcap_writer *w);

#endif
