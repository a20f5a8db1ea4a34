/* emu/capture.c - EMU: capture files in and out for `nfemu replay` (no kernel counterpart).
 * Classic pcap is read with libpcap; pcapng is parsed here (SHB either byte order, IDB
 * if_name/if_tsresol/if_tsoffset, EPB/SPB/OPB, other blocks skipped) to keep each packet's
 * interface name.  Only the current block is in memory; a truncated or corrupt file ends the
 * read with one line naming the file and the byte offset, never a crash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include "emu/capture.h"

#define PCAPNG_SHB 0x0A0D0D0AU
#define PCAPNG_IDB 0x00000001U
#define PCAPNG_OPB 0x00000002U
#define PCAPNG_SPB 0x00000003U
#define PCAPNG_EPB 0x00000006U
#define PCAPNG_BOM 0x1A2B3C4DU
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_EPB_FLAGS 2
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_IF_TSOFFSET 14
#define CAPTURE_NSEC_PER_SEC 1000000000ULL
/* Larger blocks than this are taken for corruption rather than allocated. */
#define PCAPNG_MAX_BLOCK (64U << 20)

struct pcapng_if {
	int linktype;
	u32 snaplen;
	u8 tsresol;             /* if_tsresol: bit 7 set = 2^-n, else 10^-n seconds */
	s64 tsoffset;           /* if_tsoffset: seconds added to every timestamp */
	char *name;             /* if_name, NULL when the IDB has none */
};

struct nfemu_capture {
	char *path;
	u64 size;               /* 0 when unknown (not a regular file) */
	/* classic pcap */
	pcap_t *pcap;
	u64 rec_off;            /* the next record's offset (ftell once, then counted) */
	unsigned int rec_hdr;   /* a record header's size (16; 24 in the "modified" format), 0
				 * until the first record measured it */
	/* pcapng */
	FILE *f;
	u64 pos;                /* offset of the next block */
	bool swap;              /* the section's byte order is not ours */
	unsigned char *buf;     /* the current block */
	size_t bufcap;
	u64 last_ts;            /* the previous packet's time: a simple packet block has none */
	struct pcapng_if *ifs;  /* the current section's interfaces */
	unsigned int nifs, ifcap;
};

static int capture_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int capture_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* ---------------------------------------------------------------- pcapng */

static u16 ng16(const struct nfemu_capture *cap, const unsigned char *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return cap->swap ? __builtin_bswap16(v) : v;
}

static u32 ng32(const struct nfemu_capture *cap, const unsigned char *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return cap->swap ? __builtin_bswap32(v) : v;
}

static u64 ng64(const struct nfemu_capture *cap, const unsigned char *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return cap->swap ? __builtin_bswap64(v) : v;
}

static void pcapng_drop_interfaces(struct nfemu_capture *cap)
{
	for (unsigned int i = 0; i < cap->nifs; i++)
		free(cap->ifs[i].name);
	cap->nifs = 0;
}

/* Read len bytes at the current position into buf+at; a short read is a truncated file. */
static int pcapng_read(struct nfemu_capture *cap, size_t at, size_t len, u64 block_off,
		       const char *what, char *err, size_t errlen)
{
	size_t got = fread(cap->buf + at, 1, len, cap->f);

	cap->pos += got;
	if (got == len)
		return 0;
	if (ferror(cap->f))
		return capture_err(err, errlen, -EIO, "%s: byte %llu: read error: %s", cap->path,
				   (unsigned long long)cap->pos, strerror(errno));
	return capture_err(err, errlen, -EINVAL,
			   "%s: byte %llu: truncated pcapng %s (file ends at byte %llu)", cap->path,
			   (unsigned long long)block_off, what, (unsigned long long)cap->pos);
}

static int pcapng_reserve(struct nfemu_capture *cap, size_t len)
{
	unsigned char *n;

	if (len <= cap->bufcap)
		return 0;
	n = realloc(cap->buf, len);
	if (!n)
		return -ENOMEM;
	cap->buf = n;
	cap->bufcap = len;
	return 0;
}

/* Walk the options in opt[0..len) and call fn for each; -EINVAL when one overruns. */
static int pcapng_options(struct nfemu_capture *cap, const unsigned char *opt, size_t len,
			  void (*fn)(struct nfemu_capture *cap, void *arg, u16 code,
				     const unsigned char *val, u16 vlen),
			  void *arg)
{
	size_t off = 0;

	while (off + 4 <= len) {
		u16 code = ng16(cap, opt + off), vlen = ng16(cap, opt + off + 2);
		size_t padded = ((size_t)vlen + 3) & ~(size_t)3;

		if (code == PCAPNG_OPT_ENDOFOPT)
			return 0;
		if (off + 4 + vlen > len)
			return -EINVAL;
		fn(cap, arg, code, opt + off + 4, vlen);
		off += 4 + padded;
	}
	return 0;
}

static void pcapng_idb_option(struct nfemu_capture *cap, void *arg, u16 code,
			      const unsigned char *val, u16 vlen)
{
	struct pcapng_if *ifp = arg;

	switch (code) {
	case PCAPNG_OPT_IF_NAME:
		free(ifp->name);
		ifp->name = strndup((const char *)val, vlen);
		break;
	case PCAPNG_OPT_IF_TSRESOL:
		if (vlen >= 1)
			ifp->tsresol = val[0];
		break;
	case PCAPNG_OPT_IF_TSOFFSET:
		if (vlen >= 8)
			ifp->tsoffset = (s64)ng64(cap, val);
		break;
	}
}

static int pcapng_idb(struct nfemu_capture *cap, const unsigned char *body, size_t blen,
		      u64 off, char *err, size_t errlen)
{
	struct pcapng_if *ifp;

	if (blen < 8)
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte %llu: corrupt pcapng interface description block (%zu bytes)",
				   cap->path, (unsigned long long)off, blen + 12);
	if (cap->nifs == cap->ifcap) {
		unsigned int ncap = cap->ifcap ? cap->ifcap * 2 : 4;
		struct pcapng_if *n = realloc(cap->ifs, ncap * sizeof(*n));

		if (!n)
			return capture_err(err, errlen, -ENOMEM, "%s: out of memory", cap->path);
		cap->ifs = n;
		cap->ifcap = ncap;
	}
	ifp = &cap->ifs[cap->nifs];
	memset(ifp, 0, sizeof(*ifp));
	ifp->linktype = ng16(cap, body);
	ifp->snaplen = ng32(cap, body + 4);
	ifp->tsresol = 6;
	cap->nifs++;
	if (pcapng_options(cap, body + 8, blen - 8, pcapng_idb_option, ifp))
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte %llu: corrupt option in pcapng interface description block",
				   cap->path, (unsigned long long)off);
	return 0;
}

static void pcapng_epb_option(struct nfemu_capture *cap, void *arg, u16 code,
			      const unsigned char *val, u16 vlen)
{
	struct nfemu_capture_pkt *pkt = arg;

	if (code == PCAPNG_OPT_EPB_FLAGS && vlen >= 4)
		pkt->direction = ng32(cap, val) & 3;
}

/* A timestamp in the interface's units to ns since the epoch. */
static u64 pcapng_ts_ns(const struct pcapng_if *ifp, u64 ts)
{
	unsigned __int128 ns;
	unsigned int e = ifp->tsresol & 0x7f;

	if (ifp->tsresol & 0x80) {
		ns = e >= 64 ? 0 : ((unsigned __int128)ts * CAPTURE_NSEC_PER_SEC) >> e;
	} else if (e <= 9) {
		ns = ts;
		for (; e < 9; e++)
			ns *= 10;
	} else {
		ns = ts;
		for (; e > 9 && ns; e--)
			ns /= 10;
	}
	ns += (unsigned __int128)((__int128)ifp->tsoffset * CAPTURE_NSEC_PER_SEC);
	return (u64)ns;
}

/* Fill pkt from a packet block's fields; the data must lie inside the body. */
static int pcapng_packet(struct nfemu_capture *cap, struct nfemu_capture_pkt *pkt, u32 if_id,
			 bool has_ts, u64 ts, const unsigned char *data, u32 caplen, u32 origlen, size_t room,
			 u64 off, const char *what, char *err, size_t errlen)
{
	const struct pcapng_if *ifp;

	if (if_id >= cap->nifs)
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte %llu: pcapng %s refers to interface %u, but the section defines %u",
				   cap->path, (unsigned long long)off, what, if_id, cap->nifs);
	if (caplen > room)
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte %llu: corrupt pcapng %s: %u captured bytes in a %zu-byte body",
				   cap->path, (unsigned long long)off, what, caplen, room);
	ifp = &cap->ifs[if_id];
	pkt->ts_ns = has_ts ? pcapng_ts_ns(ifp, ts) : cap->last_ts;
	cap->last_ts = pkt->ts_ns;
	pkt->linktype = ifp->linktype;
	pkt->data = data;
	pkt->caplen = caplen;
	pkt->origlen = origlen < caplen ? caplen : origlen;
	pkt->ifname = ifp->name;
	pkt->if_id = if_id;
	pkt->offset = off;
	return 1;
}

/* Read the next block; returns 1 for a packet, 0 at the end, <0 on error. */
static int pcapng_next(struct nfemu_capture *cap, struct nfemu_capture_pkt *pkt, char *err,
		       size_t errlen)
{
	for (;;) {
		u64 off = cap->pos;
		u32 type, total, body_len;
		const unsigned char *body;
		size_t got;

		if (pcapng_reserve(cap, 12))
			return capture_err(err, errlen, -ENOMEM, "%s: out of memory", cap->path);
		got = fread(cap->buf, 1, 8, cap->f);
		cap->pos += got;
		if (got == 0 && !ferror(cap->f))
			return 0;
		if (got < 8) {
			if (ferror(cap->f))
				return capture_err(err, errlen, -EIO, "%s: byte %llu: read error: %s",
						   cap->path, (unsigned long long)off, strerror(errno));
			return capture_err(err, errlen, -EINVAL,
					   "%s: byte %llu: truncated pcapng block header (file ends at byte %llu)",
					   cap->path, (unsigned long long)off, (unsigned long long)cap->pos);
		}
		memcpy(&type, cap->buf, 4);
		if (type == PCAPNG_SHB) {
			u32 bom;
			int ret = pcapng_read(cap, 8, 4, off, "section header block", err, errlen);

			if (ret)
				return ret;
			memcpy(&bom, cap->buf + 8, 4);
			if (bom == PCAPNG_BOM)
				cap->swap = false;
			else if (bom == __builtin_bswap32(PCAPNG_BOM))
				cap->swap = true;
			else
				return capture_err(err, errlen, -EINVAL,
						   "%s: byte %llu: corrupt pcapng section header block (byte-order magic 0x%08x)",
						   cap->path, (unsigned long long)off, bom);
			pcapng_drop_interfaces(cap);
		} else if (off == 0) {
			return capture_err(err, errlen, -EINVAL,
					   "%s: byte 0: not a pcapng file (first block type 0x%08x)",
					   cap->path, ng32(cap, cap->buf));
		}
		type = ng32(cap, cap->buf);
		total = ng32(cap, cap->buf + 4);
		if (total < (type == PCAPNG_SHB ? 28U : 12U) || total % 4 || total > PCAPNG_MAX_BLOCK)
			return capture_err(err, errlen, -EINVAL,
					   "%s: byte %llu: corrupt pcapng block (type 0x%08x, length %u)",
					   cap->path, (unsigned long long)off, type, total);
		if (pcapng_reserve(cap, total))
			return capture_err(err, errlen, -ENOMEM, "%s: out of memory", cap->path);
		{
			size_t have = type == PCAPNG_SHB ? 12 : 8;
			int ret = pcapng_read(cap, have, total - have, off, "block", err, errlen);

			if (ret)
				return ret;
		}
		if (ng32(cap, cap->buf + total - 4) != total)
			return capture_err(err, errlen, -EINVAL,
					   "%s: byte %llu: corrupt pcapng block (type 0x%08x): trailing length %u != %u",
					   cap->path, (unsigned long long)off, type,
					   ng32(cap, cap->buf + total - 4), total);
		body = cap->buf + 8;
		body_len = total - 12;

		switch (type) {
		case PCAPNG_SHB:
			if (ng16(cap, body + 4) != 1)
				return capture_err(err, errlen, -EINVAL,
						   "%s: byte %llu: pcapng version %u.%u is not supported",
						   cap->path, (unsigned long long)off, ng16(cap, body + 4),
						   ng16(cap, body + 6));
			break;
		case PCAPNG_IDB: {
			int ret = pcapng_idb(cap, body, body_len, off, err, errlen);

			if (ret)
				return ret;
			break;
		}
		case PCAPNG_EPB: {
			int ret;
			size_t opt;

			if (body_len < 20)
				goto short_block;
			ret = pcapng_packet(cap, pkt, ng32(cap, body), true,
					    ((u64)ng32(cap, body + 4) << 32) | ng32(cap, body + 8),
					    body + 20, ng32(cap, body + 12), ng32(cap, body + 16),
					    body_len - 20, off, "enhanced packet block", err, errlen);
			opt = 20 + (((size_t)pkt->caplen + 3) & ~(size_t)3);
			/* epb_flags: the direction; a corrupt option list is ignored, not fatal */
			if (ret == 1 && opt < body_len)
				pcapng_options(cap, body + opt, body_len - opt, pcapng_epb_option, pkt);
			return ret;
		}
		case PCAPNG_OPB:
			if (body_len < 20)
				goto short_block;
			return pcapng_packet(cap, pkt, ng16(cap, body), true,
					     ((u64)ng32(cap, body + 4) << 32) | ng32(cap, body + 8),
					     body + 20, ng32(cap, body + 12), ng32(cap, body + 16),
					     body_len - 20, off, "packet block", err, errlen);
		case PCAPNG_SPB: {
			u32 origlen, caplen;

			if (body_len < 4)
				goto short_block;
			if (!cap->nifs)
				return capture_err(err, errlen, -EINVAL,
						   "%s: byte %llu: pcapng simple packet block before any interface",
						   cap->path, (unsigned long long)off);
			origlen = ng32(cap, body);
			caplen = origlen < body_len - 4 ? origlen : body_len - 4;
			if (cap->ifs[0].snaplen && caplen > cap->ifs[0].snaplen)
				caplen = cap->ifs[0].snaplen;
			return pcapng_packet(cap, pkt, 0, false, 0, body + 4, caplen, origlen, body_len - 4,
					     off, "simple packet block", err, errlen);
		}
		default:
			break;          /* name resolution, statistics, custom...: not packets */
		}
		continue;
short_block:
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte %llu: corrupt pcapng block (type 0x%08x, %u bytes: too short)",
				   cap->path, (unsigned long long)off, type, total);
	}
}

/* ---------------------------------------------------------------- classic pcap */

/* libpcap's DLT_ values to the LINKTYPE_ values stored in files (they differ for raw IP). */
static int pcap_linktype(int dlt)
{
	switch (dlt) {
	case DLT_RAW:
#if DLT_RAW != 14
	case 14:
#endif
		return NFEMU_LINKTYPE_RAW;
	default:
		return dlt;
	}
}

static int classic_next(struct nfemu_capture *cap, struct nfemu_capture_pkt *pkt, char *err,
			size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	long off;
	int ret;

	if (!cap->rec_hdr) {
		long at = ftell(pcap_file(cap->pcap));

		cap->rec_off = at < 0 ? 0 : (u64)at;
	}
	off = (long)cap->rec_off;
	ret = pcap_next_ex(cap->pcap, &h, &data);
	if (ret == PCAP_ERROR_BREAK)
		return 0;
	if (ret != 1)
		return capture_err(err, errlen, -EINVAL, "%s: byte %ld: %s", cap->path, off,
				   pcap_geterr(cap->pcap));
	if (!cap->rec_hdr) {     /* the first record tells the header's size */
		long at = ftell(pcap_file(cap->pcap));

		cap->rec_hdr = at > off + (long)h->caplen ? (unsigned int)(at - off - (long)h->caplen) : 16;
	}
	cap->rec_off += cap->rec_hdr + h->caplen;
	pkt->ts_ns = (u64)h->ts.tv_sec * CAPTURE_NSEC_PER_SEC + (u64)h->ts.tv_usec;
	pkt->linktype = pcap_linktype(pcap_datalink(cap->pcap));
	pkt->data = data;
	pkt->caplen = h->caplen;
	pkt->origlen = h->len < h->caplen ? h->caplen : h->len;
	pkt->ifname = NULL;
	pkt->if_id = 0;
	pkt->offset = (u64)off;
	return 1;
}

/* ---------------------------------------------------------------- API */

int nfemu_capture_open(struct nfemu_capture **capp, const char *path, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct nfemu_capture *cap;
	unsigned char magic[4];
	struct stat st;
	FILE *f;
	size_t got;

	*capp = NULL;
	f = fopen(path, "rb");
	if (!f)
		return capture_err(err, errlen, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return capture_err(err, errlen, -EISDIR, "%s: is a directory", path);
	}
	got = fread(magic, 1, sizeof(magic), f);
	if (got < sizeof(magic)) {
		int e = ferror(f) ? errno : 0;

		fclose(f);
		if (e)
			return capture_err(err, errlen, -e, "%s: %s", path, strerror(e));
		return capture_err(err, errlen, -EINVAL,
				   "%s: byte 0: not a capture file (%zu bytes, too short for a pcap or pcapng header)",
				   path, got);
	}
	cap = calloc(1, sizeof(*cap));
	if (!cap || !(cap->path = strdup(path))) {
		free(cap);
		fclose(f);
		return capture_err(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	cap->size = S_ISREG(st.st_mode) ? (u64)st.st_size : 0;

	if (!memcmp(magic, "\x0a\x0d\x0d\x0a", 4)) {
		rewind(f);
		cap->f = f;
		*capp = cap;
		return 0;
	}
	rewind(f);
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!cap->pcap) {
		fclose(f);
		nfemu_capture_close(cap);
		return capture_err(err, errlen, -EINVAL, "%s: byte 0: not a pcap or pcapng file (%s)",
				   path, errbuf);
	}
	*capp = cap;
	return 0;
}

int nfemu_capture_next(struct nfemu_capture *cap, struct nfemu_capture_pkt *pkt, char *err,
		       size_t errlen)
{
	memset(pkt, 0, sizeof(*pkt));
	return cap->pcap ? classic_next(cap, pkt, err, errlen) : pcapng_next(cap, pkt, err, errlen);
}

u64 nfemu_capture_tell(const struct nfemu_capture *cap)
{
	if (cap->pcap) {
		long off;

		if (cap->rec_hdr)
			return cap->rec_off;
		off = ftell(pcap_file(cap->pcap));
		return off < 0 ? 0 : (u64)off;
	}
	return cap->pos;
}

u64 nfemu_capture_size(const struct nfemu_capture *cap)
{
	return cap->size;
}

void nfemu_capture_close(struct nfemu_capture *cap)
{
	if (!cap)
		return;
	if (cap->pcap)
		pcap_close(cap->pcap);
	if (cap->f)
		fclose(cap->f);
	pcapng_drop_interfaces(cap);
	free(cap->ifs);
	free(cap->buf);
	free(cap->path);
	free(cap);
}

/* ---------------------------------------------------------------- link layers */

static u16 be16(const unsigned char *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 be32(const unsigned char *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static int frame_bad(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int frame_bad(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EPROTONOSUPPORT;
}

static int frame_ethernet(const unsigned char *d, unsigned int len, struct nfemu_frame *f,
			  char *why, size_t whylen)
{
	unsigned int off = 12;
	u16 type;

	if (len < 14)
		return frame_bad(why, whylen, "Ethernet frame of %u bytes", len);
	type = be16(d + off);
	/* 802.1Q / 802.1ad tags: the host sees the frame as its untagged device would. */
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (len < off + 6)
			return frame_bad(why, whylen, "truncated 802.1Q tag");
		if (f->vlan < 0)
			f->vlan = be16(d + off + 2) & 0x0fff;
		off += 4;
		type = be16(d + off);
	}
	f->vlan_tags = d + 12;
	f->vlan_tags_len = off - 12;
	f->ethertype = type >= 0x0600 ? type : 0;      /* below: an 802.3 length */
	f->has_eth = true;
	f->eth_dst_known = true;
	memcpy(f->eth, d, 12);
	f->eth[12] = (unsigned char)(type >> 8);
	f->eth[13] = (unsigned char)type;
	f->l3 = d + off + 2;
	f->l3len = len - off - 2;
	return 0;
}

/* Linux cooked capture: the link-layer source address and the packet type survive. */
static void frame_sll_common(struct nfemu_frame *f, u16 hatype, u8 pkttype, u8 halen,
			     const unsigned char *addr, u16 protocol)
{
	f->pkt_type = pkttype;
	f->ethertype = protocol >= 0x0600 ? protocol : 0;
	if ((hatype == ARPHRD_ETHER || hatype == ARPHRD_LOOPBACK) && halen == ETH_ALEN) {
		f->has_eth = true;
		memset(f->eth, 0, 6);   /* destination: not recorded, the replay fills it in */
		memcpy(f->eth + 6, addr, 6);
		f->eth[12] = (unsigned char)(protocol >> 8);
		f->eth[13] = (unsigned char)protocol;
	}
}

static int frame_sll(const unsigned char *d, unsigned int len, struct nfemu_frame *f, char *why,
		     size_t whylen)
{
	u16 halen;

	if (len < 16)
		return frame_bad(why, whylen, "Linux SLL header of %u bytes", len);
	halen = be16(d + 4);
	frame_sll_common(f, be16(d + 2), (u8)be16(d), halen > 8 ? 0 : (u8)halen, d + 6, be16(d + 14));
	f->l3 = d + 16;
	f->l3len = len - 16;
	return 0;
}

static int frame_sll2(const unsigned char *d, unsigned int len, struct nfemu_frame *f, char *why,
		      size_t whylen)
{
	if (len < 20)
		return frame_bad(why, whylen, "Linux SLL2 header of %u bytes", len);
	frame_sll_common(f, be16(d + 8), d[10], d[11] > 8 ? 0 : d[11], d + 12, be16(d));
	f->sll_ifindex = (int)be32(d + 4);
	f->l3 = d + 20;
	f->l3len = len - 20;
	return 0;
}

/* DLT_NULL: the address family in the capturing host's byte order; DLT_LOOP: network order. */
static int frame_null(const unsigned char *d, unsigned int len, bool loop, struct nfemu_frame *f,
		      char *why, size_t whylen)
{
	u32 fam, swapped;

	if (len < 4)
		return frame_bad(why, whylen, "loopback header of %u bytes", len);
	fam = be32(d);
	swapped = __builtin_bswap32(fam);
	if (!loop && (fam & 0xffff0000U) && !(swapped & 0xffff0000U))
		fam = swapped;
	if (fam == 2)
		f->ethertype = ETH_P_IP;
	else if (fam == 24 || fam == 28 || fam == 30 || fam == 10)
		f->ethertype = 0x86DD;
	f->l3 = d + 4;
	f->l3len = len - 4;
	return 0;
}

int nfemu_frame_decode(const struct nfemu_capture_pkt *pkt, struct nfemu_frame *f, char *why,
		       size_t whylen)
{
	memset(f, 0, sizeof(*f));
	f->pkt_type = -1;
	f->vlan = -1;
	f->sll_ifindex = -1;
	switch (pkt->linktype) {
	case NFEMU_LINKTYPE_ETHERNET:
		return frame_ethernet(pkt->data, pkt->caplen, f, why, whylen);
	case NFEMU_LINKTYPE_LINUX_SLL:
		return frame_sll(pkt->data, pkt->caplen, f, why, whylen);
	case NFEMU_LINKTYPE_LINUX_SLL2:
		return frame_sll2(pkt->data, pkt->caplen, f, why, whylen);
	case NFEMU_LINKTYPE_NULL:
	case NFEMU_LINKTYPE_LOOP:
		return frame_null(pkt->data, pkt->caplen, pkt->linktype == NFEMU_LINKTYPE_LOOP, f, why,
				  whylen);
	case NFEMU_LINKTYPE_RAW:
	case NFEMU_LINKTYPE_IPV4:
		f->l3 = pkt->data;
		f->l3len = pkt->caplen;
		if (pkt->linktype == NFEMU_LINKTYPE_IPV4 || (pkt->caplen && pkt->data[0] >> 4 == 4))
			f->ethertype = ETH_P_IP;
		else if (pkt->caplen && pkt->data[0] >> 4 == 6)
			f->ethertype = 0x86DD;
		return 0;
	default:
		return frame_bad(why, whylen, "link type %d (%s) is not supported", pkt->linktype,
				 pcap_datalink_val_to_name(pkt->linktype) ?
				 pcap_datalink_val_to_name(pkt->linktype) : "unknown");
	}
}

/* ---------------------------------------------------------------- writing */

struct nfemu_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *d;
};

int nfemu_pcap_writer_open(struct nfemu_pcap_writer **wp, const char *path, char *err,
			   size_t errlen)
{
	struct nfemu_pcap_writer *w = calloc(1, sizeof(*w));

	*wp = NULL;
	if (!w)
		return capture_err(err, errlen, -ENOMEM, "%s: out of memory", path);
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
	if (!w->dead) {
		free(w);
		return capture_err(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		capture_err(err, errlen, -EIO, "%s: %s", path, pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return -EIO;
	}
	*wp = w;
	return 0;
}

int nfemu_pcap_writer_write(struct nfemu_pcap_writer *w, u64 ts_ns, const unsigned char *frame,
			    unsigned int len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts_ns / CAPTURE_NSEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(ts_ns % CAPTURE_NSEC_PER_SEC);  /* ns: nano-precision file */
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)w->d, &h, frame);
	return ferror(pcap_dump_file(w->d)) ? -EIO : 0;
}

int nfemu_pcap_writer_close(struct nfemu_pcap_writer *w)
{
	int ret = 0;

	if (!w)
		return 0;
	if (pcap_dump_flush(w->d) < 0 || ferror(pcap_dump_file(w->d)))
		ret = -EIO;
	pcap_dump_close(w->d);
	pcap_close(w->dead);
	free(w);
	return ret;
}
