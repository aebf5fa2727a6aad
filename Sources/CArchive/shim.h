#ifndef BUNDLE_CARCHIVE_SHIM_H
#define BUNDLE_CARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

/* libarchive 3.6 crashes converting non-ASCII paths unless LC_CTYPE is a UTF-8 locale. */
static inline void bundle_archive_use_utf8_locale(void) {
    static int done = 0;
    if (!done) { setlocale(LC_CTYPE, "C.UTF-8"); done = 1; }
}

/* The file type macros are casts, which Swift does not import. */
static inline unsigned int bundle_ae_ifreg(void) { return AE_IFREG; }
static inline unsigned int bundle_ae_ifdir(void) { return AE_IFDIR; }
static inline unsigned int bundle_ae_iflnk(void) { return AE_IFLNK; }

#endif
