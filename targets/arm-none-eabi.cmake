# Shared part of the Arm toolchain files (targets/<core>/toolchain.cmake set MOTE_TARGET_FLAGS
# and include this): bare-metal GCC from Debian's gcc-arm-none-eabi, newlib-nano, no host paths.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# No operating system to link test programs against.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "${MOTE_TARGET_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${MOTE_TARGET_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti")
# nosys: stub system calls, so programs link; a board's BSP (startup code, linker script,
# retargeted I/O) replaces them in a real firmware.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${MOTE_TARGET_FLAGS} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# find_package(Mote) finds the host-side package (the mote compiler runs on the build machine).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
