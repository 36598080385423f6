/* _speedups.c - cbecstd._speedups, the optional C accelerator of the ctypes
 * binding: a dict or list straight to compact JSON, and one validation with
 * everything its Report needs, in a single call.
 *
 * Why it exists: for a 1.8 KB order, json.dumps takes longer than the
 * validation itself, and each ctypes call costs about half a microsecond.
 * The pure-Python path (validator.py, report.py) stays the reference: this
 * module must produce the same bytes as message_bytes() and raise the same
 * exception types, and the binding falls back to that path whenever the
 * module is missing (see _ffi.speedups()).
 *
 * Only the public API of include/cbecstd.h is used.  The binding hands over
 * its validator and registry as addresses (ints); it guarantees that they
 * are alive for the call and that no other thread uses the validator.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cbecstd.h>

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* ---- output buffer ------------------------------------------------------ */

/* Most messages fit in the encoder's own area; larger ones grow a buffer. */
#define INLINE_BYTES 16384
/* Characters of a string converted per reservation (at most 6 bytes each). */
#define CHUNK_CHARS 4096
/* Ancestors kept without an allocation (nesting depth). */
#define INLINE_DEPTH 64

typedef struct encoder {
    char *data;
    size_t len, cap;
    int on_heap;
    /* the containers being written, outermost first: a container that is
     * its own ancestor is a cycle (json's "Circular reference detected") */
    PyObject **open;
    size_t depth, open_cap;
    PyObject *open_inline[INLINE_DEPTH];
    char inline_data[INLINE_BYTES];
} encoder;

static void encoder_init(encoder *e)
{
    e->data = e->inline_data;
    e->len = 0;
    e->cap = sizeof e->inline_data;
    e->on_heap = 0;
    e->open = e->open_inline;
    e->depth = 0;
    e->open_cap = INLINE_DEPTH;
}

static void encoder_release(encoder *e)
{
    if (e->on_heap)
        PyMem_Free(e->data);
    if (e->open != e->open_inline)
        PyMem_Free(e->open);
}

/* Room for n more bytes: the slow part of reserve(). */
static int grow(encoder *e, size_t n)
{
    size_t cap = e->cap;
    while (cap - e->len < n) {
        if (cap > (size_t)PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *p;
    if (e->on_heap) {
        p = PyMem_Realloc(e->data, cap);
    } else {
        p = PyMem_Malloc(cap);
        if (p != NULL)
            memcpy(p, e->data, e->len);
    }
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e->data = p;
    e->cap = cap;
    e->on_heap = 1;
    return 0;
}

/* Room for n more bytes. */
static ALWAYS_INLINE int reserve(encoder *e, size_t n)
{
    return e->cap - e->len >= n ? 0 : grow(e, n);
}

static ALWAYS_INLINE int put(encoder *e, const char *s, size_t n)
{
    if (reserve(e, n) < 0)
        return -1;
    memcpy(e->data + e->len, s, n);
    e->len += n;
    return 0;
}

static ALWAYS_INLINE int put_char(encoder *e, char c)
{
    if (e->len == e->cap && grow(e, 1) < 0)
        return -1;
    e->data[e->len++] = c;
    return 0;
}

/* ---- strings ------------------------------------------------------------ */

/* The escapes json.dumps(ensure_ascii=False) writes: the quote, the
 * backslash and the C0 controls; everything else is copied as UTF-8, so
 * the output is byte for byte the pure path's. */
static const char short_escape[32] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
};

static char *put_escaped_ascii(char *out, Py_UCS4 c)
{
    static const char hex[] = "0123456789abcdef";
    *out++ = '\\';
    if (c == '"' || c == '\\') {
        *out++ = (char)c;
    } else if (short_escape[c]) {
        *out++ = short_escape[c];
    } else {
        memcpy(out, "u00", 3);
        out[3] = hex[c >> 4];
        out[4] = hex[c & 15];
        out += 5;
    }
    return out;
}

/* The UnicodeEncodeError str.encode("utf-8") raises for the surrogates
 * starting at index start. */
static void surrogate_error(PyObject *s, Py_ssize_t start)
{
    Py_ssize_t end = start + 1, n = PyUnicode_GET_LENGTH(s);
    while (end < n) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, end);
        if (c < 0xD800 || c > 0xDFFF)
            break;
        end++;
    }
    PyObject *exc = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", "utf-8", s, start,
                                          end, "surrogates not allowed");
    if (exc != NULL) {
        PyErr_SetObject(PyExc_UnicodeEncodeError, exc);
        Py_DECREF(exc);
    }
}

/* Characters [i, stop) of a str's data of the given kind, escaped, as
 * UTF-8 at out (room for 6 bytes a character): the end of what was
 * written, or NULL at a surrogate, whose index goes to *bad.  Inlined
 * with a constant kind, so each width gets a loop of its own. */
static ALWAYS_INLINE char *convert(int kind, const void *d, Py_ssize_t i, Py_ssize_t stop,
                                   char *out, Py_ssize_t *bad)
{
    for (; i < stop; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, i);
        if (c < 0x80) {
            if (c < 0x20 || c == '"' || c == '\\')
                out = put_escaped_ascii(out, c);
            else
                *out++ = (char)c;
        } else if (c < 0x800) {
            *out++ = (char)(0xC0 | (c >> 6));
            *out++ = (char)(0x80 | (c & 0x3F));
        } else if (kind == PyUnicode_1BYTE_KIND) {
            /* unreachable: a one-byte str has no character past U+00FF */
        } else if (c < 0x10000) {
            if (c >= 0xD800 && c <= 0xDFFF) {
                *bad = i;
                return NULL;
            }
            *out++ = (char)(0xE0 | (c >> 12));
            *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *out++ = (char)(0x80 | (c & 0x3F));
        } else {
            *out++ = (char)(0xF0 | (c >> 18));
            *out++ = (char)(0x80 | ((c >> 12) & 0x3F));
            *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *out++ = (char)(0x80 | (c & 0x3F));
        }
    }
    return out;
}

/* A str's characters, escaped, as UTF-8, between quotes. */
static int put_string(encoder *e, PyObject *s)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0)
        return -1;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *d = PyUnicode_DATA(s);
    /* in chunks, so a long str never reserves six times its length */
    Py_ssize_t i = 0;
    do {
        Py_ssize_t stop = n - i > CHUNK_CHARS ? i + CHUNK_CHARS : n;
        if (reserve(e, (size_t)(stop - i) * 6 + 2) < 0)
            return -1;
        char *out = e->data + e->len, *end;
        Py_ssize_t bad = 0;
        if (i == 0)
            *out++ = '"';
        if (kind == PyUnicode_1BYTE_KIND)
            end = convert(PyUnicode_1BYTE_KIND, d, i, stop, out, &bad);
        else if (kind == PyUnicode_2BYTE_KIND)
            end = convert(PyUnicode_2BYTE_KIND, d, i, stop, out, &bad);
        else
            end = convert(PyUnicode_4BYTE_KIND, d, i, stop, out, &bad);
        if (end == NULL) {
            surrogate_error(s, bad);
            return -1;
        }
        if (stop == n)
            *end++ = '"';
        e->len = (size_t)(end - e->data);
        i = stop;
    } while (i < n);
    return 0;
}

/* ---- numbers ------------------------------------------------------------ */

/* int.__repr__ of an int or an int subclass (json ignores a subclass's own
 * __repr__), digits written here while they fit a long long. */
static int put_int(encoder *e, PyObject *o)
{
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow) {
        PyObject *text = PyLong_Type.tp_repr(o);   /* ValueError past the digit limit */
        if (text == NULL)
            return -1;
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(text, &n);
        int rc = p == NULL ? -1 : put(e, p, (size_t)n);
        Py_DECREF(text);
        return rc;
    }
    char digits[24], *p = digits + sizeof digits;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return put(e, p, (size_t)(digits + sizeof digits - p));
}

/* float.__repr__ (shortest round-tripping form); NaN and the infinities are
 * refused as json.dumps(allow_nan=False) refuses them. */
static int put_float(encoder *e, PyObject *o)
{
    double v = PyFloat_AS_DOUBLE(o);
    if (!isfinite(v)) {
        PyErr_SetString(PyExc_ValueError, "Out of range float values are not JSON compliant");
        return -1;
    }
    char *text = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL)
        return -1;
    int rc = put(e, text, strlen(text));
    PyMem_Free(text);
    return rc;
}

/* ---- containers --------------------------------------------------------- */

static int put_value(encoder *e, PyObject *o);

/* Entering a non-empty container: one that is its own ancestor is a
 * ValueError, as json's check_circular makes it. */
static int enter(encoder *e, PyObject *container)
{
    for (size_t i = 0; i < e->depth; i++) {
        if (e->open[i] == container) {
            PyErr_SetString(PyExc_ValueError, "Circular reference detected");
            return -1;
        }
    }
    if (e->depth == e->open_cap) {
        size_t cap = e->open_cap * 2;
        PyObject **p = PyMem_Malloc(cap * sizeof *p);
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(p, e->open, e->depth * sizeof *p);
        if (e->open != e->open_inline)
            PyMem_Free(e->open);
        e->open = p;
        e->open_cap = cap;
    }
    e->open[e->depth++] = container;
    return 0;
}

/* Lists and tuples; a subclass through its iterator, as json's
 * PySequence_Fast reads it. */
static int put_array(encoder *e, PyObject *o)
{
    PyObject *items = o;
    if (!PyList_CheckExact(o) && !PyTuple_CheckExact(o)) {
        items = PySequence_Fast(o, "_iterencode_list needs a sequence");
        if (items == NULL)
            return -1;
    } else {
        Py_INCREF(items);
    }
    int rc;
    if (PySequence_Fast_GET_SIZE(items) == 0) {
        rc = put(e, "[]", 2);
    } else if (enter(e, o) < 0) {
        rc = -1;
    } else {
        rc = put_char(e, '[');
        /* the size is read again on every turn: a dict subclass's items()
         * further down may run Python code that shrinks the list */
        for (Py_ssize_t i = 0; rc == 0 && i < PySequence_Fast_GET_SIZE(items); i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(items, i);
            Py_INCREF(item);
            if (i > 0)
                rc = put_char(e, ',');
            if (rc == 0)
                rc = put_value(e, item);
            Py_DECREF(item);
        }
        if (rc == 0)
            rc = put_char(e, ']');
        e->depth--;
    }
    Py_DECREF(items);
    return rc;
}

/* A key as json.dumps turns it into a string: str as it is, float, int,
 * True, False and None by their JSON text; anything else is a TypeError. */
static int put_key(encoder *e, PyObject *k)
{
    if (PyUnicode_Check(k))
        return put_string(e, k);
    if (PyFloat_Check(k)) {
        if (put_char(e, '"') < 0 || put_float(e, k) < 0)
            return -1;
        return put_char(e, '"');
    }
    if (k == Py_True)
        return put(e, "\"true\"", 6);
    if (k == Py_False)
        return put(e, "\"false\"", 7);
    if (k == Py_None)
        return put(e, "\"null\"", 6);
    if (PyLong_Check(k)) {
        if (put_char(e, '"') < 0 || put_int(e, k) < 0)
            return -1;
        return put_char(e, '"');
    }
    PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %.100s",
                 Py_TYPE(k)->tp_name);
    return -1;
}

static int put_member(encoder *e, PyObject *k, PyObject *v, int first)
{
    if (!first && put_char(e, ',') < 0)
        return -1;
    if (put_key(e, k) < 0 || put_char(e, ':') < 0)
        return -1;
    return put_value(e, v);
}

/* A dict: an exact dict member by member; a subclass through its items(),
 * as json does, which also checks that items() gives pairs. */
static int put_object(encoder *e, PyObject *o)
{
    if (PyDict_GET_SIZE(o) == 0)
        return put(e, "{}", 2);
    if (enter(e, o) < 0)
        return -1;
    int rc = put_char(e, '{');
    if (rc == 0 && PyDict_CheckExact(o)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        int first = 1;
        while (rc == 0 && PyDict_Next(o, &pos, &k, &v)) {
            Py_INCREF(k);
            Py_INCREF(v);
            rc = put_member(e, k, v, first);
            Py_DECREF(k);
            Py_DECREF(v);
            first = 0;
        }
    } else if (rc == 0) {
        PyObject *items = PyMapping_Items(o);
        if (items == NULL) {
            rc = -1;
        } else {
            /* items() is the subclass's code: its list may be changed by
             * further Python code, hence the size read every turn and the
             * reference held on the pair */
            for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(items); i++) {
                PyObject *item = PyList_GET_ITEM(items, i);
                if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
                    PyErr_SetString(PyExc_ValueError, "items must return 2-tuples");
                    rc = -1;
                    break;
                }
                Py_INCREF(item);
                rc = put_member(e, PyTuple_GET_ITEM(item, 0), PyTuple_GET_ITEM(item, 1), i == 0);
                Py_DECREF(item);
            }
            Py_DECREF(items);
        }
    }
    if (rc == 0)
        rc = put_char(e, '}');
    e->depth--;
    return rc;
}

/* One value, tested in the order json's C encoder tests: None, True,
 * False, str, int, float, list or tuple, dict. */
static int put_value(encoder *e, PyObject *o)
{
    if (o == Py_None)
        return put(e, "null", 4);
    if (o == Py_True)
        return put(e, "true", 4);
    if (o == Py_False)
        return put(e, "false", 5);
    if (PyUnicode_Check(o))
        return put_string(e, o);
    if (PyLong_Check(o))
        return put_int(e, o);
    if (PyFloat_Check(o))
        return put_float(e, o);
    if (PyList_Check(o) || PyTuple_Check(o) || PyDict_Check(o)) {
        /* the interpreter's recursion limit, counted where json's C
         * encoder counts it: too deep a nesting fails alike on both paths */
        if (Py_EnterRecursiveCall(" while encoding a JSON object"))
            return -1;
        int rc = PyDict_Check(o) ? put_object(e, o) : put_array(e, o);
        Py_LeaveRecursiveCall();
        return rc;
    }
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(o), "__name__");
    if (name != NULL) {
        PyErr_Format(PyExc_TypeError, "Object of type %S is not JSON serializable", name);
        Py_DECREF(name);
    }
    return -1;
}

/* ---- library errors ----------------------------------------------------- */

/* Raise what the ctypes path raises for a failed call: the exception of
 * cbecstd.errors for the status, with the library's message. */
static void raise_status(int status, const char *function, const char *message)
{
    PyObject *errors = PyImport_ImportModule("cbecstd.errors");
    if (errors == NULL)
        return;
    PyObject *from_status = PyObject_GetAttrString(errors, "from_status");
    Py_DECREF(errors);
    if (from_status == NULL)
        return;
    PyObject *args = Py_BuildValue("(is)", status, function);
    PyObject *kwargs = Py_BuildValue("{s:N}", "message",
                                     PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message),
                                                          "replace"));
    PyObject *exc = args && kwargs ? PyObject_Call(from_status, args, kwargs) : NULL;
    Py_DECREF(from_status);
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    if (exc == NULL)
        return;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}

/* ---- the report's fields ------------------------------------------------ */

/* A borrowed library string as str; NULL reads as "" (the ctypes path's
 * "or ''"), invalid UTF-8 is replaced, as there. */
static PyObject *text_or_empty(const char *s)
{
    if (s == NULL)
        return PyUnicode_New(0, 0);
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

static PyObject *finding_tuple(cbec_report *r, size_t i, const char *lang)
{
    const char *message = cbec_finding_message(r, i, lang);
    if (message == NULL) {
        raise_status(CBEC_ENOMEM, "cbec_finding_message", "out of memory");
        return NULL;
    }
    PyObject *edi;
    unsigned long segment = 0;
    unsigned element = 0, component = 0;
    const char *tag = NULL;
    if (cbec_finding_edi_position(r, i, &segment, &element, &component, &tag)) {
        edi = Py_BuildValue("(kIIN)", segment, element, component, text_or_empty(tag));
        if (edi == NULL)
            return NULL;
    } else {
        Py_INCREF(Py_None);
        edi = Py_None;
    }
    return Py_BuildValue("(NiNkkNNNkNN)",
                         text_or_empty(cbec_finding_rule(r, i)),
                         (int)cbec_finding_severity(r, i),
                         text_or_empty(cbec_finding_path(r, i)),
                         cbec_finding_line(r, i),
                         cbec_finding_column(r, i),
                         PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace"),
                         text_or_empty(cbec_finding_pack(r, i)),
                         text_or_empty(cbec_finding_ref(r, i)),
                         cbec_finding_offset(r, i),
                         text_or_empty(cbec_finding_expected(r, i)),
                         edi);
}

/* (address, valid, format, message_type, truncated, counts, findings) of
 * a report: counts is None when there is no finding at all, else the
 * numbers of (info, warning, error) findings; findings a list of
 * (rule, level, path, line, column, message, pack, ref, offset, expected,
 * edi) with edi None or (segment, element, component, tag). */
static PyObject *report_fields(cbec_report *r, const char *lang)
{
    size_t n = cbec_report_count(r);
    int truncated = cbec_report_truncated(r);
    PyObject *counts;
    if (n || truncated)
        counts = Py_BuildValue("(nnn)",
                               (Py_ssize_t)cbec_report_count_severity(r, CBEC_SEVERITY_INFO),
                               (Py_ssize_t)cbec_report_count_severity(r, CBEC_SEVERITY_WARNING),
                               (Py_ssize_t)cbec_report_count_severity(r, CBEC_SEVERITY_ERROR));
    else {
        Py_INCREF(Py_None);
        counts = Py_None;
    }
    if (counts == NULL)
        return NULL;
    PyObject *findings = PyList_New((Py_ssize_t)n);
    if (findings == NULL) {
        Py_DECREF(counts);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *f = finding_tuple(r, i, lang);
        if (f == NULL) {
            Py_DECREF(findings);
            Py_DECREF(counts);
            return NULL;
        }
        PyList_SET_ITEM(findings, (Py_ssize_t)i, f);
    }
    return Py_BuildValue("(NOiNONN)", PyLong_FromVoidPtr(r),
                         cbec_report_valid(r) ? Py_True : Py_False,
                         (int)cbec_report_format(r),
                         text_or_empty(cbec_report_message_type(r)),
                         truncated ? Py_True : Py_False, counts, findings);
}

/* ---- module functions --------------------------------------------------- */

static void *address(PyObject *o, const char *what)
{
    void *p = PyLong_AsVoidPtr(o);
    if (p == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_ValueError, "%s is NULL", what);
    return p;
}

/* An optional str argument as UTF-8 (NULL for None), borrowed from the
 * str (which caches it). */
static int optional_utf8(PyObject *o, const char **out)
{
    if (o == Py_None) {
        *out = NULL;
        return 0;
    }
    *out = PyUnicode_AsUTF8(o);
    return *out == NULL ? -1 : 0;
}

PyDoc_STRVAR(validate_doc,
"validate(validator, registry, data, type, format, lang, source, index)\n--\n\n"
"Validate data (bytes, or a dict or list written as compact JSON) with the\n"
"cbec_validator and cbec_registry at the given addresses; the GIL is\n"
"released while the library works.  Returns (address, valid, format,\n"
"message_type, truncated, counts, findings): the new report's address\n"
"(the caller frees it with report_free()) and its fields, findings in\n"
"lang.  type and source are str or None.");

static PyObject *speedups_validate(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "validate() takes 8 arguments");
        return NULL;
    }
    cbec_validator *v = address(args[0], "validator");
    if (v == NULL)
        return NULL;
    const cbec_registry *reg = address(args[1], "registry");
    if (reg == NULL)
        return NULL;
    PyObject *data = args[2];
    const char *type, *lang, *source;
    if (optional_utf8(args[3], &type) < 0 || optional_utf8(args[5], &lang) < 0 ||
        optional_utf8(args[6], &source) < 0)
        return NULL;
    long format = PyLong_AsLong(args[4]);
    if (format == -1 && PyErr_Occurred())
        return NULL;
    if (format < INT_MIN || format > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "format out of range");
        return NULL;
    }
    unsigned long index = PyLong_AsUnsignedLongMask(args[7]);
    if (index == (unsigned long)-1 && PyErr_Occurred())
        return NULL;

    encoder *e = NULL;
    const char *bytes;
    size_t len;
    if (PyBytes_Check(data)) {
        bytes = PyBytes_AS_STRING(data);
        len = (size_t)PyBytes_GET_SIZE(data);
    } else if (PyDict_Check(data) || PyList_Check(data)) {
        e = PyMem_Malloc(sizeof *e);
        if (e == NULL)
            return PyErr_NoMemory();
        encoder_init(e);
        if (put_value(e, data) < 0) {
            encoder_release(e);
            PyMem_Free(e);
            return NULL;
        }
        bytes = e->data;
        len = e->len;
    } else {
        PyErr_Format(PyExc_TypeError, "a message is bytes, dict or list here, not %.100s",
                     Py_TYPE(data)->tp_name);
        return NULL;
    }

    cbec_report *r = NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = cbec_validate(v, reg, type, (cbec_format)format, bytes, len, &r);
    Py_END_ALLOW_THREADS
    if (e != NULL) {
        encoder_release(e);
        PyMem_Free(e);
    }
    if (status < 0) {
        raise_status(status, "cbec_validate", cbec_strerror(status));
        return NULL;
    }
    if (source != NULL && source[0] != '\0') {
        status = cbec_report_set_source(r, source, index);
        if (status < 0) {
            cbec_report_free(r);
            raise_status(status, "cbec_report_set_source", cbec_strerror(status));
            return NULL;
        }
    }
    PyObject *fields = report_fields(r, lang);
    if (fields == NULL)
        cbec_report_free(r);
    return fields;
}

PyDoc_STRVAR(encode_doc,
"encode(obj) -> bytes\n--\n\n"
"obj as compact JSON in UTF-8: the bytes json.dumps(obj, ensure_ascii=False,\n"
"allow_nan=False, separators=(',', ':')).encode('utf-8') gives, with the same\n"
"exceptions (ValueError, TypeError, RecursionError, UnicodeEncodeError).");

static PyObject *speedups_encode(PyObject *self, PyObject *obj)
{
    (void)self;
    encoder *e = PyMem_Malloc(sizeof *e);
    if (e == NULL)
        return PyErr_NoMemory();
    encoder_init(e);
    PyObject *out = NULL;
    if (put_value(e, obj) == 0)
        out = PyBytes_FromStringAndSize(e->data, (Py_ssize_t)e->len);
    encoder_release(e);
    PyMem_Free(e);
    return out;
}

PyDoc_STRVAR(report_free_doc,
"report_free(address)\n--\n\n"
"cbec_report_free() of a report validate() returned.");

static PyObject *speedups_report_free(PyObject *self, PyObject *arg)
{
    (void)self;
    void *r = PyLong_AsVoidPtr(arg);
    if (r == NULL && PyErr_Occurred())
        return NULL;
    cbec_report_free(r);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(library_address_doc,
"library_address() -> int\n--\n\n"
"The address of cbec_validate in the libcbecstd this module is linked to:\n"
"the binding compares it with its own copy's before using the module.");

static PyObject *speedups_library_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    /* function to data pointer: fine on every platform Python runs on */
    return PyLong_FromVoidPtr((void *)(uintptr_t)&cbec_validate);
}

static PyMethodDef speedups_methods[] = {
    {"validate", (PyCFunction)(void (*)(void))speedups_validate, METH_FASTCALL, validate_doc},
    {"encode", speedups_encode, METH_O, encode_doc},
    {"report_free", speedups_report_free, METH_O, report_free_doc},
    {"library_address", speedups_library_address, METH_NOARGS, library_address_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cbecstd._speedups",
    .m_doc = "The optional C accelerator of the cbecstd binding (see _speedups.c).",
    .m_size = 0,
    .m_methods = speedups_methods,
};

PyMODINIT_FUNC PyInit__speedups(void);

PyMODINIT_FUNC PyInit__speedups(void)
{
    return PyModuleDef_Init(&speedups_module);
}
