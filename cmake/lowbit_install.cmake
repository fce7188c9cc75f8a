# Install rules: headers, the exported lowbit::lowbit target with a config and version file for
# find_package, and a relocatable pkg-config file.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/lowbit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lowbit EXPORT lowbitTargets)

set(LOWBIT_CMAKE_DIR ${CMAKE_INSTALL_DATADIR}/cmake/lowbit)
install(EXPORT lowbitTargets NAMESPACE lowbit:: DESTINATION ${LOWBIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/lowbitConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/lowbitConfig.cmake INSTALL_DESTINATION ${LOWBIT_CMAKE_DIR})
# Header-only, so any architecture may use it.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/lowbitConfigVersion.cmake
    COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lowbitConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/lowbitConfigVersion.cmake
    DESTINATION ${LOWBIT_CMAKE_DIR})

# pkg-config: paths relative to ${pcfiledir} so the installed tree can be moved.
file(RELATIVE_PATH LOWBIT_PC_TO_PREFIX /${CMAKE_INSTALL_DATADIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" LOWBIT_PC_TO_PREFIX "${LOWBIT_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/lowbit.pc.in ${CMAKE_CURRENT_BINARY_DIR}/lowbit.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lowbit.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
