#ifndef BUNDLE_CSTARTUP_H
#define BUNDLE_CSTARTUP_H
/// The process's arguments as glibc gave them before main (no /proc needed).
int bundle_startup_argc(void);
char *bundle_startup_argument(int index);
#endif
