/* emu/pktline.h - EMU: one-line packets ("tcp 10.0.0.5:40000 > 10.0.0.1:443 S in eth0").
 *
 * No kernel counterpart: the packet notation that `nfemu test`, `nfemu trace` and `nfemu diff`
 * share (grammar in docs/packets.md).  Parsing fills a struct nfemu_pktline; building turns one
 * into the bytes of an IPv4 datagram with its checksums right; errors carry the 1-based column and
 * width of the token at fault, printed as "FILE:LINE:COL: message" with the line and a caret, as
 * topology errors are (emu/topology.c).
 */
#ifndef NFEMU_EMU_PKTLINE_H
#define NFEMU_EMU_PKTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NFEMU_PKTLINE_IFNAMSIZ 16               /* the kernel's IFNAMSIZ, NUL included */
#define NFEMU_PKTLINE_PAYLOAD_MAX 1472          /* a 1500-byte datagram's worth */
#define NFEMU_PKTLINE_MAX 65535                 /* the largest datagram `len` may ask for */

/* TCP flag bits in the header's byte 13, the letters tcpdump prints for them */
#define NFEMU_PKTLINE_FIN 0x01                  /* F */
#define NFEMU_PKTLINE_SYN 0x02                  /* S */
#define NFEMU_PKTLINE_RST 0x04                  /* R */
#define NFEMU_PKTLINE_PSH 0x08                  /* P */
#define NFEMU_PKTLINE_ACK 0x10                  /* . */
#define NFEMU_PKTLINE_URG 0x20                  /* U */
#define NFEMU_PKTLINE_ECE 0x40                  /* E */
#define NFEMU_PKTLINE_CWR 0x80                  /* W */

enum nfemu_pktline_ingress {
	NFEMU_PKTLINE_IN_DEFAULT,               /* replay's rule: route back to the source, or OUTPUT
	                                         * when the source is one of the host's addresses */
	NFEMU_PKTLINE_IN_IFACE,                 /* `in IFACE`: received on that interface */
	NFEMU_PKTLINE_FROM_HOST,                /* `from-host`: sent by the host (raw OUTPUT) */
};

/* What the line says.  Addresses in network byte order, everything else in host order.  A has_
 * flag says an option was written; build() uses the documented default otherwise. */
struct nfemu_pktline {
	uint8_t proto;                          /* IPPROTO_TCP, _UDP, _ICMP or any number */
	uint32_t saddr, daddr;
	uint16_t sport, dport;                  /* tcp and udp only */
	uint8_t tcp_flags;                      /* NFEMU_PKTLINE_* bits; default SYN */
	bool has_flags;
	uint32_t seq, ack;                      /* tcp: `seq N`, `ack N`; default 1000 and 0 */
	bool has_seq, has_ack;
	uint8_t icmp_type, icmp_code;           /* icmp: `type NAME|T|T/C`; default echo-request */
	bool has_icmp_type;
	uint16_t icmp_echo_id, icmp_echo_seq;   /* echo request/reply: identifier 1, sequence 1 */
	enum nfemu_pktline_ingress ingress;
	char iface[NFEMU_PKTLINE_IFNAMSIZ];     /* `in IFACE` */
	uint32_t mark;                          /* `mark 0xN`: skb->mark at ingress */
	bool has_mark;
	unsigned int len;                       /* `len N`: the IP total length; 0 = headers+payload */
	uint8_t ttl;                            /* `ttl N`; default 64 */
	uint8_t tos;                            /* `tos 0xNN`; default 0 */
	uint16_t id;                            /* `id N`: the IP identification; default 0 */
	bool frag;                              /* `frag`: More Fragments set (a first fragment) */
	uint8_t payload[NFEMU_PKTLINE_PAYLOAD_MAX];
	size_t payload_len;                     /* `payload "text"` (C escapes: \n \t \\ \" \xNN) */
	struct nfemu_pktline *inner;            /* icmp errors: `inner PACKET` (the rest of the
	                                         * line), the datagram quoted after the ICMP header;
	                                         * owned, free with nfemu_pktline_free() */
};

/* Where a line went wrong: 1-based column and width of the token at fault, and why. */
struct nfemu_pktline_err {
	int col;
	int width;
	char msg[200];
};

/* Parser options (nfemu_pktline_parse_opt) */
#define NFEMU_PKTLINE_HEADER 0x1                /* "SRC[:PORT] > DST[:PORT] ..." with the protocol
                                                 * left out is allowed (proto stays 0): the header
                                                 * an expectation compares against */

/* Parse one packet line (no newline).  0 and *out filled, or -EINVAL and *err filled. */
int nfemu_pktline_parse(const char *text, struct nfemu_pktline *out, struct nfemu_pktline_err *err);
int nfemu_pktline_parse_opt(const char *text, unsigned int opts, struct nfemu_pktline *out,
			    struct nfemu_pktline_err *err);
/* Free what a successful parse allocated (the inner packet); *pl stays usable as a header. */
void nfemu_pktline_free(struct nfemu_pktline *pl);

/* The IPv4 datagram the line describes into buf: its length, or -EMSGSIZE if len is too small,
 * or -EINVAL if `len N` is shorter than the headers and payload. */
int nfemu_pktline_build(const struct nfemu_pktline *pl, uint8_t *buf, size_t len);

/* The canonical line for a datagram (the inverse of build for what the grammar can say):
 * "tcp 1.2.3.4:5 > 6.7.8.9:80 S." -- only the protocol, addresses, ports, tcp flags and icmp
 * type; the length written (snprintf's convention), or -EINVAL if it is not IPv4. */
int nfemu_pktline_format(const uint8_t *pkt, size_t len, char *buf, size_t buflen);
/* The same for a parsed line. */
int nfemu_pktline_format_line(const struct nfemu_pktline *pl, char *buf, size_t buflen);

/* "FILE:LINE:COL: message", the line, and a caret (and ~ under the rest of the token).  The
 * packet text may sit inside a longer line (a spec's `packet ...`): col_base is the 0-based
 * offset of the packet text within line, added to err->col. */
int nfemu_pktline_format_error(char *buf, size_t buflen, const char *file, int lineno, const char *line,
			       int col_base, const struct nfemu_pktline_err *err);
void nfemu_pktline_print_error(FILE *f, const char *file, int lineno, const char *line, int col_base,
			       const struct nfemu_pktline_err *err);

/* The tcpdump flag letters for bits ("S.", "none" for 0) into buf (at least 10 bytes). */
void nfemu_pktline_flags_str(uint8_t flags, char *buf);

#endif
