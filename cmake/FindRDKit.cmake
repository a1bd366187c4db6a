# FindRDKit.cmake — locate Debian's RDKit (librdkit-dev), which ships no CMake config.
#
# Defines the imported target RDKit::RDKit carrying the include directory and every
# RDKit library Argan links. This is the only file that spells RDKit library names.
#
# Result variables: RDKit_FOUND, RDKit_INCLUDE_DIR, RDKit_LIBRARIES.
# (The RDKit version is read at run time from RDKit::rdkitVersion.)

find_path(RDKit_INCLUDE_DIR
  NAMES GraphMol/ROMol.h
  PATH_SUFFIXES rdkit
  HINTS /usr/include /usr/local/include)

# Order matters for static linking only; the shared libraries resolve either way.
set(_argan_rdkit_components
  MolDraw2D Depictor MolHash MolStandardize TautomerQuery SubstructLibrary
  ChemReactions ChemTransforms Fingerprints Descriptors PartialCharges
  FileParsers SmilesParse SubstructMatch GenericGroups MolTransforms
  Subgraphs Catalogs DataStructs GraphMol EigenSolvers RDGeometryLib
  Alignment RDGeneral)

set(RDKit_LIBRARIES "")
set(_argan_rdkit_missing "")
foreach(_component IN LISTS _argan_rdkit_components)
  find_library(RDKit_${_component}_LIBRARY
    NAMES RDKit${_component} RDKit${_component}_static
    HINTS /usr/lib /usr/lib/x86_64-linux-gnu /usr/local/lib)
  if(RDKit_${_component}_LIBRARY)
    list(APPEND RDKit_LIBRARIES ${RDKit_${_component}_LIBRARY})
  else()
    list(APPEND _argan_rdkit_missing ${_component})
  endif()
endforeach()

include(FindPackageHandleStandardArgs)
if(_argan_rdkit_missing)
  message(STATUS "RDKit libraries not found: ${_argan_rdkit_missing}")
  set(RDKit_LIBRARIES_COMPLETE "")
else()
  set(RDKit_LIBRARIES_COMPLETE TRUE)
endif()
find_package_handle_standard_args(RDKit
  REQUIRED_VARS RDKit_INCLUDE_DIR RDKit_LIBRARIES_COMPLETE)

if(RDKit_FOUND AND NOT TARGET RDKit::RDKit)
  add_library(RDKit::RDKit INTERFACE IMPORTED)
  # SYSTEM: RDKit's and Boost's headers are not ours; keep their warnings out of our -Werror.
  set_target_properties(RDKit::RDKit PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${RDKit_INCLUDE_DIR}"
    INTERFACE_INCLUDE_DIRECTORIES "${RDKit_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${RDKit_LIBRARIES}")
endif()
mark_as_advanced(RDKit_INCLUDE_DIR)
