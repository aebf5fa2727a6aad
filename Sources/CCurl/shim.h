#ifndef BUNDLE_CCURL_SHIM_H
#define BUNDLE_CCURL_SHIM_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
   These typed wrappers are the only way the HTTP module sets options. */

typedef size_t (*bundle_curl_data_callback)(char *, size_t, size_t, void *);

static inline CURLcode bundle_curl_set_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_set_off(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_set_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_set_pointer(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_set_list(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_set_callback(CURL *h, CURLoption o, bundle_curl_data_callback v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode bundle_curl_get_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode bundle_curl_get_string(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode bundle_curl_get_off(CURL *h, CURLINFO i, curl_off_t *v) {
    return curl_easy_getinfo(h, i, v);
}

#endif
