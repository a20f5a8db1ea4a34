/* emu/pkt_facts.h - EMU: what the replay's outputs say about a packet, read from its bytes.
 * No kernel counterpart.  pkt_facts_parse reads the IPv4 header and the start of the
 * transport header into binary fields (no text); the writers render them, only when they
 * print them: the description ("192.0.2.10:40000 > 203.0.113.5:80 TCP SYN len 60"), the
 * endpoints of a translated packet, the JSON fields.
 */
#ifndef NFEMU_EMU_PKT_FACTS_H
#define NFEMU_EMU_PKT_FACTS_H

#include <stdbool.h>
#include "kernel/kernel.h"

/* The longest description pkt_desc writes (without a terminator). */
#define PKT_DESC_MAX 160
#define PKT_ENDPOINTS_MAX 64

struct pkt_facts {
	u32 len;                        /* bytes in hand (from the IP header on) */
	u8 src[4], dst[4];              /* network order */
	u16 tot_len;                    /* the IP header's total length */
	u16 frag_off;                   /* in bytes (the field times 8) */
	u16 sport, dport;               /* has_ports */
	u16 icmp_id, icmp_seq;          /* has_echo */
	u8 proto;
	u8 tcp_flags;                   /* is_tcp */
	u8 icmp_type, icmp_code;        /* has_icmp */
	u8 version, ihl;                /* the header's nibbles (ihl in 32-bit words) */
	bool ipv4;                      /* a whole IPv4 header (20 bytes) was there */
	bool bad_header;                /* version is not 4, or ihl below 5 */
	bool mf;
	bool has_ports;                 /* TCP, UDP, SCTP, DCCP, UDP-Lite and not a later fragment */
	bool is_tcp;                    /* flags were there */
	bool has_icmp;
	bool has_echo;                  /* echo request/reply with id and sequence */
};

void pkt_facts_parse(const unsigned char *p, unsigned int len, struct pkt_facts *f);

/* Writers: at p, return the end (no terminator).  Room: PKT_DESC_MAX / PKT_ENDPOINTS_MAX. */
char *pkt_desc(char *p, const struct pkt_facts *f);
/* "198.51.100.1:40000 > 203.0.113.5:80", "198.51.100.1 > 203.0.113.5 id 7" */
char *pkt_endpoints(char *p, const struct pkt_facts *f);
/* Did the headers change between a and b (addresses, ports, ICMP id): NAT translated it. */
bool pkt_facts_translated(const struct pkt_facts *a, const struct pkt_facts *b);

/* "TCP", "UDP", ... or NULL for a protocol without a name here. */
const char *pkt_proto_name(u8 proto);

#endif
