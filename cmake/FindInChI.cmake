# FindInChI.cmake — locate the IUPAC InChI library (Debian: libinchi-dev).
# Defines the imported target InChI::InChI. Result: InChI_FOUND, InChI_INCLUDE_DIR.

find_path(InChI_INCLUDE_DIR NAMES inchi_api.h PATH_SUFFIXES inchi)
find_library(InChI_LIBRARY NAMES inchi)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(InChI REQUIRED_VARS InChI_INCLUDE_DIR InChI_LIBRARY)

if(InChI_FOUND AND NOT TARGET InChI::InChI)
  add_library(InChI::InChI UNKNOWN IMPORTED)
  set_target_properties(InChI::InChI PROPERTIES
    IMPORTED_LOCATION "${InChI_LIBRARY}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${InChI_INCLUDE_DIR}"
    INTERFACE_INCLUDE_DIRECTORIES "${InChI_INCLUDE_DIR}")
endif()
mark_as_advanced(InChI_INCLUDE_DIR InChI_LIBRARY)
