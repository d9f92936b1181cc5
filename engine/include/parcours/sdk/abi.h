/* The plugin ABI: the only contract between the engine and a plugin library.
 *
 * Plain C: structs of function pointers; every value crosses the boundary as
 * UTF-8 JSON text, and results come back through a ParcoursSink the caller
 * owns, so no allocation, C++ object or exception crosses it. Plugin authors
 * normally use the C++ layer in parcours/sdk/plugin.h, which builds these
 * structs; docs/plugins.md describes both.
 *
 * Versioning. A plugin records the ABI it was built for (major, minor) as the
 * first two fields of its descriptor, which stay first in every version. The
 * host reads them before calling anything: the major must equal the engine's,
 * and the plugin's minor must not be newer than the engine's. A minor version
 * only appends: new fields at the end of structs, new optional hooks. */
#ifndef PARCOURS_SDK_ABI_H_
#define PARCOURS_SDK_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARCOURS_ABI_MAJOR 1
#define PARCOURS_ABI_MINOR 0

/* Name of the symbol every plugin exports. The host accepts two forms, told
 * apart by the symbol's type in the library's dynamic symbol table:
 *  - a Boost.DLL alias (what PARCOURS_PLUGIN declares): a data symbol
 *    holding the address of a ParcoursEntryFn,
 *      BOOST_DLL_ALIAS(my_entry, parcours_plugin_entry)
 *  - a plain C function of type ParcoursEntryFn,
 *      extern "C" const ParcoursPluginDescriptor* parcours_plugin_entry(void);
 * Any other kind of symbol of that name is refused. */
#define PARCOURS_PLUGIN_ENTRY_NAME "parcours_plugin_entry"

/* Limits the host checks before using what a plugin hands it; a plugin
 * beyond them is refused, not truncated. */
#define PARCOURS_MAX_ENTRIES 1024         /* guards, actions, field types, workflows, reports: each */
#define PARCOURS_MAX_NAME_BYTES 64        /* a plugin's or a hook's name */
#define PARCOURS_MAX_TEXT_BYTES 4096      /* version, description, a field type's `allowed` */
#define PARCOURS_MAX_DEFINITION_BYTES (16 * 1024 * 1024) /* a workflow's or report's YAML text */

/* What a hook returns. */
enum ParcoursCode {
  PARCOURS_OK = 0,      /* done; the output sink holds the result, if any */
  PARCOURS_REFUSED = 1, /* the input is refused; the sink holds the reason for the counsellor */
  PARCOURS_FAILED = 2   /* the hook could not do its work; the sink holds the error */
};

enum ParcoursLogLevel {
  PARCOURS_LOG_DEBUG = 1,
  PARCOURS_LOG_INFO = 2,
  PARCOURS_LOG_WARN = 3,
  PARCOURS_LOG_ERROR = 4
};

/* Where a callee writes a string result. write() may be called several
 * times: the pieces are appended. */
typedef struct ParcoursSink {
  void* self;
  void (*write)(void* self, const char* data, size_t size);
} ParcoursSink;

/* Services the host gives a plugin at init. Valid for the life of the process. */
typedef struct ParcoursHost {
  uint32_t abi_major; /* the ABI the engine provides */
  uint32_t abi_minor;
  void* self;
  /* Logs through the engine's logger, tagged with the plugin's name. */
  void (*log)(void* self, const char* plugin, int level, const char* message);
  /* Today's date as the engine sees it, as days since 1970-01-01. */
  int32_t (*today)(void* self);
  /* Reads a pathway from the engine's store, from a hook (not from init):
   * writes {"state": {...}, "events": [...]} as JSON (docs/plugins.md).
   * PARCOURS_OK, PARCOURS_REFUSED if there is no such pathway (reason in
   * out), or PARCOURS_FAILED (error in out). */
  int (*read_pathway)(void* self, const char* pathway_id, ParcoursSink* out);
} ParcoursHost;

/* A guard: may refuse an enrolment, transition or milestone.
 * `input` is the rule context (docs/plugins.md). OK: allowed; REFUSED: the
 * reason shown to the counsellor is in `out`; FAILED: error in `out`. */
typedef int (*ParcoursGuardFn)(void* self, const char* input, ParcoursSink* out);

/* An action. Before commit: `out` receives a JSON object of fields to add to
 * the event (may be empty or "{}"); REFUSED/FAILED stop the command and
 * nothing is written. After commit: the event is already stored; `out` is
 * read only on FAILED (the error is logged). */
typedef int (*ParcoursActionFn)(void* self, const char* input, ParcoursSink* out);

/* A field type: parses `raw` as typed by a person. OK: `out` holds the
 * stored value as JSON (e.g. "\"73282932000074\""); REFUSED: `out` says why. */
typedef int (*ParcoursFieldFn)(void* self, const char* raw, ParcoursSink* out);

/* The plugin's own checks, run by `parcours plugins check`. OK or FAILED
 * with the problems in `out`. */
typedef int (*ParcoursSelfCheckFn)(void* self, ParcoursSink* out);

enum ParcoursPhase { PARCOURS_BEFORE_COMMIT = 0, PARCOURS_AFTER_COMMIT = 1 };

/* Names are local to the plugin ("rqth_required"); workflow files refer to
 * them qualified by the plugin's name ("peps.rqth_required"). */
typedef struct ParcoursGuard {
  const char* name;
  const char* description;
  void* self;
  ParcoursGuardFn check;
} ParcoursGuard;

typedef struct ParcoursAction {
  const char* name;
  const char* description;
  int phase; /* ParcoursPhase */
  void* self;
  ParcoursActionFn run;
} ParcoursAction;

typedef struct ParcoursFieldType {
  const char* name;
  const char* allowed; /* what a valid value looks like, e.g. "a 14-digit SIRET number" */
  void* self;
  ParcoursFieldFn parse;
} ParcoursFieldType;

/* A workflow definition, as the YAML text of a workflow file. */
typedef struct ParcoursWorkflow {
  const char* name;
  const char* yaml;
} ParcoursWorkflow;

/* A report definition, as YAML (docs/plugins.md, "Report definitions"). */
typedef struct ParcoursReport {
  const char* name;
  const char* yaml;
} ParcoursReport;

/* What an initialised plugin provides. Owned by the plugin; valid for the
 * life of the process. Each count is the length of the array next to it (at
 * most PARCOURS_MAX_ENTRIES; the array may be NULL only when it is 0); every
 * entry has a name and, for hooks, a function. */
typedef struct ParcoursPlugin {
  size_t guard_count;
  const ParcoursGuard* guards;
  size_t action_count;
  const ParcoursAction* actions;
  size_t field_type_count;
  const ParcoursFieldType* field_types;
  size_t workflow_count;
  const ParcoursWorkflow* workflows;
  size_t report_count;
  const ParcoursReport* reports;
  void* self_check_self;
  ParcoursSelfCheckFn self_check; /* may be NULL */
} ParcoursPlugin;

/* Returned by the entry symbol. abi_major and abi_minor stay the first two
 * fields in every ABI version. */
typedef struct ParcoursPluginDescriptor {
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* name;    /* [a-z][a-z0-9_]*, unique among loaded plugins */
  const char* version; /* the plugin's own version, e.g. "1.2.0" */
  const char* description;
  /* Called once, after the ABI check. OK: *out is set. Otherwise the error
   * is in `error` and the plugin is skipped. */
  int (*init)(const ParcoursHost* host, const ParcoursPlugin** out, ParcoursSink* error);
} ParcoursPluginDescriptor;

typedef const ParcoursPluginDescriptor* (*ParcoursEntryFn)(void);

#ifdef __cplusplus
}
#endif

#endif /* PARCOURS_SDK_ABI_H_ */
