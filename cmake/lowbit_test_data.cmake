# lowbit_prepare_test_data(<out_var>)
#
# Extracts the vendored conformance data (tests/data/*.tar.xz, see tests/data/README.md) into
# ${PROJECT_BINARY_DIR}/lowbit_test_data at configure time and sets <out_var> (in the caller's scope) to
# that directory. Layout below it: README.md, decode/, from16/, samples/ (the same names as the shared
# conformance folder).
#
# Extraction happens only when needed: a stamp file holds the SHA-256 of every archive, and the data is
# re-extracted (after wiping the directory) when an archive changed, the stamp is missing, or a file
# listed in tests/data/CONTENTS.sha256 is missing. After extracting, every file is checked against
# CONTENTS.sha256. The archives are configure dependencies, so a changed archive re-runs CMake.
#
# Usage:
#   include(${PROJECT_SOURCE_DIR}/cmake/lowbit_test_data.cmake)
#   lowbit_prepare_test_data(dir)
#   target_compile_definitions(t PRIVATE LOWBIT_TEST_DATA_DIR="${dir}")

include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.25)
    message(FATAL_ERROR "lowbit_test_data.cmake needs CMake 3.25 or newer")
endif()

function(lowbit_prepare_test_data out_var)
    cmake_path(SET src NORMALIZE "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../tests/data")
    set(dest "${PROJECT_BINARY_DIR}/lowbit_test_data")
    set(stamp_file "${dest}/.lowbit_test_data.stamp")
    set(contents_file "${src}/CONTENTS.sha256")

    # Every conformance_*.tar.xz present is extracted (make_vendored_data.py --no-posit leaves out the
    # posit one and writes a CONTENTS.sha256 without its files).
    file(GLOB archives LIST_DIRECTORIES false "${src}/conformance_*.tar.xz")
    list(SORT archives)
    if(NOT archives OR NOT EXISTS "${contents_file}")
        message(FATAL_ERROR "lowbit: no vendored test data in ${src} (conformance_*.tar.xz, CONTENTS.sha256)")
    endif()
    set_property(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" APPEND PROPERTY
        CMAKE_CONFIGURE_DEPENDS ${archives} "${contents_file}")

    # Stamp: format version + name and hash of each archive + hash of the contents list.
    set(want "lowbit_test_data v1\n")
    foreach(archive IN LISTS archives)
        file(SHA256 "${archive}" hash)
        cmake_path(GET archive FILENAME name)
        string(APPEND want "${name} ${hash}\n")
    endforeach()
    file(SHA256 "${contents_file}" hash)
    string(APPEND want "CONTENTS.sha256 ${hash}\n")

    # Expected files: "<sha256>  <relative path>" per line.
    file(STRINGS "${contents_file}" lines)
    set(expected_paths "")
    set(expected_hashes "")
    foreach(line IN LISTS lines)
        if(NOT line MATCHES "^([0-9a-f]+)  (.+)$")
            message(FATAL_ERROR "lowbit: malformed line in ${contents_file}: ${line}")
        endif()
        list(APPEND expected_hashes "${CMAKE_MATCH_1}")
        list(APPEND expected_paths "${CMAKE_MATCH_2}")
    endforeach()

    set(up_to_date FALSE)
    if(EXISTS "${stamp_file}")
        file(READ "${stamp_file}" have)
        if(have STREQUAL want)
            set(up_to_date TRUE)
            foreach(rel IN LISTS expected_paths)
                if(NOT EXISTS "${dest}/${rel}")
                    set(up_to_date FALSE)
                    break()
                endif()
            endforeach()
        endif()
    endif()

    if(NOT up_to_date)
        message(STATUS "lowbit: extracting test data into ${dest}")
        file(REMOVE_RECURSE "${dest}")
        file(MAKE_DIRECTORY "${dest}")
        foreach(archive IN LISTS archives)
            file(ARCHIVE_EXTRACT INPUT "${archive}" DESTINATION "${dest}" TOUCH)
        endforeach()
        list(LENGTH expected_paths count)
        math(EXPR last "${count} - 1")
        foreach(i RANGE ${last})
            list(GET expected_paths ${i} rel)
            list(GET expected_hashes ${i} hash)
            if(NOT EXISTS "${dest}/${rel}")
                message(FATAL_ERROR "lowbit: ${rel} missing after extracting the archives in ${src}")
            endif()
            file(SHA256 "${dest}/${rel}" got)
            if(NOT got STREQUAL hash)
                message(FATAL_ERROR "lowbit: ${dest}/${rel} does not match ${contents_file}")
            endif()
        endforeach()
        file(WRITE "${stamp_file}" "${want}")
    endif()

    set(${out_var} "${dest}" PARENT_SCOPE)
endfunction()
