/* emu/write_pcap.c - EMU: `nfemu replay --egress DIR`: the frames that left, per interface
 * (DIR/IFACE.pcap), and the packets dropped, as they were when dropped (DIR/dropped.pcap).
 * No kernel counterpart.  Nanosecond pcaps on the capture's clock (emu/capture.c writes).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/if_ether.h>
#include "emu/capture.h"
#include "emu/output_int.h"
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

void out_write_error(struct nfemu_output *o, int err, const char *fmt, ...)
{
	va_list ap;

	if (o->write_error)
		return;
	o->write_error = err;
	va_start(ap, fmt);
	vsnprintf(o->write_error_msg, sizeof(o->write_error_msg), fmt, ap);
	va_end(ap);
}

static int mkdir_p(const char *path)
{
	char *tmp = strdup(path);
	int ret = 0;

	if (!tmp)
		return -ENOMEM;
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(tmp, 0777) < 0 && errno != EEXIST) {
				ret = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(tmp);
	return ret;
}

/* The egress directory and its dropped.pcap.  -errno with one line in err. */
int pcap_out_open(struct nfemu_output *o, char *err, size_t errlen)
{
	const char *dir = o->opts.egress_dir;
	char path[4096];
	struct stat st;
	int ret;

	ret = mkdir_p(dir);
	if (ret || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--egress %s: %s", dir, strerror(ret ? -ret : errno ? errno : ENOTDIR));
		return -EIO;
	}
	o->egress_dir = strdup(dir);
	if (!o->egress_dir) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/dropped.pcap", dir);
	return nfemu_pcap_writer_open(&o->dropped, path, err, errlen) ? -EIO : 0;
}

struct egress_file *pcap_out_egress_file(struct nfemu_output *o, struct net_device *dev)
{
	struct egress_file *ef;
	char path[4096], err[512];

	for (ef = o->egress; ef; ef = ef->next)
		if (ef->dev == dev)
			return ef;
	ef = calloc(1, sizeof(*ef));
	if (!ef)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.pcap", o->egress_dir, dev->name);
	if (nfemu_pcap_writer_open(&ef->w, path, err, sizeof(err))) {
		out_write_error(o, -EIO, "%s", err);
		free(ef);
		return NULL;
	}
	ef->dev = dev;
	ef->next = o->egress;
	o->egress = ef;
	return ef;
}

void pcap_out_egress(struct nfemu_output *o, struct net_device *dev, const unsigned char *frame,
		     unsigned int len)
{
	struct egress_file *ef;

	if (!o->egress_dir || !dev || !frame)
		return;
	ef = pcap_out_egress_file(o, dev);
	if (ef && nfemu_pcap_writer_write(ef->w, o->net->clock.now_ns, frame, len))
		out_write_error(o, -EIO, "%s/%s.pcap: write error", o->egress_dir, dev->name);
}

/* A dropped packet as it was when dropped: its own Ethernet header when it still has one in
 * front of the IP header, else one made up (destination: the device, source: zero). */
void pcap_out_dropped(struct nfemu_output *o, const struct sk_buff *skb)
{
	const unsigned char *l3, *tail = skb_tail_pointer(skb);
	unsigned char frame[ETH_HLEN + 65536];
	unsigned int l3len;

	if (!o->dropped)
		return;
	if (skb->mac_header != SKB_HDR_UNSET && skb->network_header != SKB_HDR_UNSET &&
	    skb->network_header >= ETH_HLEN && skb->mac_header == skb->network_header - ETH_HLEN &&
	    skb->head + skb->network_header <= tail) {
		const unsigned char *mac = skb_mac_header(skb);

		if (nfemu_pcap_writer_write(o->dropped, o->net->clock.now_ns, mac, (unsigned int)(tail - mac)))
			out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
		return;
	}
	out_skb_l3(skb, &l3, &l3len);
	if (l3len > sizeof(frame) - ETH_HLEN)
		l3len = sizeof(frame) - ETH_HLEN;
	memset(frame, 0, ETH_HLEN);
	if (skb->dev && skb->dev->addr_len == ETH_ALEN)
		memcpy(frame, skb->dev->dev_addr, ETH_ALEN);
	frame[12] = ETH_P_IP >> 8;
	frame[13] = ETH_P_IP & 0xff;
	memcpy(frame + ETH_HLEN, l3, l3len);
	if (nfemu_pcap_writer_write(o->dropped, o->net->clock.now_ns, frame, ETH_HLEN + l3len))
		out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
}

void pcap_out_close(struct nfemu_output *o)
{
	while (o->egress) {
		struct egress_file *ef = o->egress;

		o->egress = ef->next;
		if (nfemu_pcap_writer_close(ef->w))
			out_write_error(o, -EIO, "%s/%s.pcap: write error", o->egress_dir, ef->dev->name);
		free(ef);
	}
	if (o->dropped && nfemu_pcap_writer_close(o->dropped))
		out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
	o->dropped = NULL;
}
