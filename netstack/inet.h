/* netstack/inet.h - what nfemu's commands call to drive the emulated IPv4 stack.
 *
 * The boot and teardown of the stack in a net (inet_init's per-net part), the sysctl
 * interface, and the three ways a packet enters: a frame
 * received by a device (netif_receive_skb), an IPv4 packet from a capture with no usable
 * link layer (nfemu_rx_l3), and a packet the host itself sends (nfemu_local_out).
 * Each call runs the packet to completion and reports its fate through net->observer.
 * EMU: no kernel counterpart as one header; the functions keep the kernel's names.
 */
#ifndef NFEMU_NETSTACK_INET_H
#define NFEMU_NETSTACK_INET_H

#include <stddef.h>
#include "kernel/kernel.h"

struct net;
struct net_device;
struct sk_buff;
struct sock;

/* Create lo (127.0.0.1/8, up) and the default sysctls.  Idempotent; 0 or -ENOMEM. */
int inet_net_init(struct net *net);
/* Free devices, routes, neighbours and peers. */
/* Netns exit: the devices' half first (packets in flight), the rest after the modules. */
void default_device_exit_batch(struct net *net);
void inet_net_exit(struct net *net);

/* sysctl -w KEY=VALUE.  key may use '.' or '/'.  0, -ENOENT (no such key: "cannot stat
 * /proc/sys/..."), -EINVAL (bad value).  err (may be NULL) gets a one-line message. */
int sysctl_set(struct net *net, const char *key, const char *value, char *err, size_t errlen);
/* Read a sysctl as `sysctl -n KEY` prints it.  0 or -ENOENT. */
int sysctl_get(struct net *net, const char *key, char *buf, size_t len);

/* A frame received by skb->dev: skb->data at the Ethernet header (802.1Q tags allowed),
 * skb->len the frame length.  Consumes the skb.  Returns NET_RX_SUCCESS or NET_RX_DROP. */
int netif_receive_skb(struct sk_buff *skb);
/* An IPv4 packet received by skb->dev with no Ethernet header to show (raw IP captures):
 * skb->data at the IP header, skb->pkt_type as captured (PACKET_HOST when unknown); the mac
 * header may be set by the caller (an SLL-rebuilt header) for MAC= in log lines. */
int nfemu_rx_l3(struct sk_buff *skb);
/* A packet the host sends (its source is one of the host's addresses): skb->data at the IP
 * header.  Routed with ip_route_output_key and sent through LOCAL_OUT and POST_ROUTING.
 * sk is the sending socket (uid/gid for owner and LOG --log-uid), NULL for none. */
int nfemu_local_out(struct net *net, struct sk_buff *skb, struct sock *sk);

/* Run the stack's timers that are due at net->clock.now_ns (IP reassembly expiry).  The
 * entry points above call it; the replay may call it once more at the end of a capture. */
void nfemu_netstack_run_timers(struct net *net);

struct net_device *dev_get_by_name(struct net *net, const char *name);
/* The device whose routes lead back to saddr (the ingress guess for a capture without an
 * interface name), or NULL. */
struct net_device *nfemu_dev_route_back(struct net *net, __be32 saddr);
/* saddr is one of the host's own addresses (the packet was sent by the host). */
bool nfemu_addr_is_local(struct net *net, __be32 saddr);

#endif
