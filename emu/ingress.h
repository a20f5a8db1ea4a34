/* emu/ingress.h - EMU: which way a captured frame went, and where a received one entered.
 * No kernel counterpart: a NIC knows its own frames; a capture has to be read for it.
 * The order of the decisions is docs/replay.md's "Where a packet enters".
 */
#ifndef NFEMU_EMU_INGRESS_H
#define NFEMU_EMU_INGRESS_H

#include <stdbool.h>
#include "emu/capture.h"
#include "emu/output.h"

struct net;
struct net_device;

/* The direction the capture recorded or the frame shows. */
enum nfemu_frame_dir {
	NFEMU_DIR_UNKNOWN,              /* no link layer, no flags: the addresses decide */
	NFEMU_DIR_IN,                   /* it arrived at the host */
	NFEMU_DIR_OUT,                  /* it left the host (the host's own, or a forwarded copy) */
};

/* Source MACs already seen arriving on an interface (a bridge's learning, for the broadcasts
 * of a sender the topology's neighbours do not name).  Direct-mapped, bounded. */
#define NFEMU_INGRESS_LEARN 256
struct nfemu_ingress_learn {
	struct {
		unsigned char mac[6];
		bool valid;
		struct net_device *dev;
	} slot[NFEMU_INGRESS_LEARN];
};

/* pcapng epb_flags, then the SLL/SLL2 packet type, then the Ethernet source MAC (one of the
 * host's interfaces' = it left the host). */
enum nfemu_frame_dir nfemu_frame_direction(struct net *net, const struct nfemu_capture_pkt *pkt,
					   const struct nfemu_frame *fr);
/* The interface whose MAC addr is (VLAN devices and lo left out: a tagged frame climbs to its
 * VLAN device from the real one), or NULL. */
struct net_device *nfemu_dev_by_mac(struct net *net, const unsigned char *addr);
/* Where a received frame entered, from the frame itself: SLL2's interface index, the
 * destination MAC of one of the host's interfaces, and for a broadcast or multicast the
 * interface of the sender's segment (its MAC in the neighbour table or learnt from an earlier
 * frame, then the connected subnet of its source address).  NULL: the frame does not say
 * (the caller falls back to the route back to the source).  Learns the sender's MAC. */
struct net_device *nfemu_ingress_from_frame(struct net *net, struct nfemu_ingress_learn *l,
					    const struct nfemu_frame *fr, __be32 saddr,
					    bool have_saddr, enum nfemu_ingress_by *by);

#endif
