// curl_easy_setopt and curl_easy_getinfo are variadic: Swift needs one typed
// wrapper per argument type. Every wrapper is prefixed `mc_`.
#ifndef MERGESERVER_CCURL_SHIM_H
#define MERGESERVER_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode mc_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mc_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mc_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mc_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*mc_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode mc_easy_setopt_data_callback(CURL *handle, CURLoption option, mc_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
/// Lets the caller judge (and refuse, with CURL_SOCKET_BAD) each address before libcurl connects.
static inline CURLcode mc_easy_setopt_opensocket(CURL *handle, curl_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}
static inline CURLcode mc_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode mc_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode mc_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode mc_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
/// CURLMsg.data is a union; Swift reads it more plainly through these.
static inline CURL *mc_msg_easy_handle(const CURLMsg *message) { return message->easy_handle; }
static inline CURLcode mc_msg_result(const CURLMsg *message) { return message->data.result; }
static inline int mc_msg_is_done(const CURLMsg *message) { return message->msg == CURLMSG_DONE; }
static const size_t mc_error_buffer_size = CURL_ERROR_SIZE;
static const curl_socket_t mc_socket_bad = CURL_SOCKET_BAD;

static inline curl_version_info_data *mc_version_info(void) { return curl_version_info(CURLVERSION_NOW); }

#endif
