#include "clone_vm.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(SYS_clone3)
pid_t clone3_vm(struct clone_args *args, int (*fn)(void *), void *arg)
{
	/* fn and arg ride in callee-saved registers, which the child gets as
	 * the parent had them; only rax (0) and rsp (the new stack) differ.
	 * The child calls fn with the stack 16-byte aligned as the ABI
	 * wants, and exits with its value: it never returns through the
	 * parent's frames. */
	register int (*r_fn)(void *) __asm__("r12") = fn;
	register void *r_arg __asm__("r13") = arg;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[exit], %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(args), "S"(sizeof(*args)), "r"(r_fn), "r"(r_arg),
			   [exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (pid_t)ret;
}
#else
pid_t clone3_vm(struct clone_args *args, int (*fn)(void *), void *arg)
{
	(void)args;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
}
#endif
