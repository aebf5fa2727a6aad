// Runs before the Swift runtime's own initializers (constructor priority 101), where a
// statically linked Swift program depends on /proc, which a minimal root or container may
// lack:
// - the runtime finds its path through /proc/self/exe and aborts without it ("Unable to
//   obtain Swift runtime path"): SWIFT_ROOT, which it reads first, is set to "/" (if unset);
// - CommandLine.arguments comes from /proc/self/cmdline: the arguments glibc gives every
//   constructor are kept here for the executable to use instead.
#include <stdlib.h>
#include <unistd.h>
#include "CStartup.h"

static int saved_argc = 0;
static char **saved_argv = 0;

__attribute__((constructor(101))) static void bundle_startup(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
    if (access("/proc/self/exe", R_OK) != 0) {
        setenv("SWIFT_ROOT", "/", 0);
    }
}

int bundle_startup_argc(void) { return saved_argc; }
char *bundle_startup_argument(int index) {
    return (saved_argv != 0 && index >= 0 && index < saved_argc) ? saved_argv[index] : 0;
}
