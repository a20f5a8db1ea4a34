/* kernel/uaccess.h - copy_to_user for pointers a caller hands the emulated kernel.
 *
 * The sockopt buffers themselves are the caller's and are used directly, but a pointer
 * *inside* one (ipt_replace.counters) may point anywhere; Linux answers a bad one with
 * EFAULT (or, for the old counters, ignores it).  nfemu writes through process_vm_writev
 * on itself, which fails cleanly instead of crashing on an unmapped address.
 * Returns the number of bytes NOT copied, as the kernel's copy_to_user does.
 */
#ifndef NFEMU_EMU_UACCESS_H
#define NFEMU_EMU_UACCESS_H

#include <sys/uio.h>
#include <unistd.h>

static inline unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	struct iovec local = { (void *)from, n }, remote = { to, n };
	ssize_t done;

	if (n == 0)
		return 0;
	if (!to)
		return n;
	done = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	if (done < 0) {
		/* EMU: where process_vm_writev is not permitted, trust the pointer. */
		if (errno == EPERM || errno == ENOSYS) {
			memcpy(to, from, n);
			return 0;
		}
		return n;
	}
	return n - (unsigned long)done;
}

#endif
