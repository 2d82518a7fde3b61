/**
 * The allocation rules as pure functions, with no dependency at run time: no clock, no environment, no I/O. The
 * embedding entry is {@link com.quantumtrader.allocation.core.CycleStep#step(CycleInputs, CycleStep.Controls,
 * CycleStep.Settings, java.time.Instant, CarryOver)} with inputs from {@link com.quantumtrader.allocation.core.CycleInputs#builder()}
 * and a policy from {@link com.quantumtrader.allocation.core.PolicyVariables#parse(java.util.Map)}.
 *
 * <p>Types marked {@code @API(status = STABLE)} keep their signatures within 1.x (the build checks it against the 1.0
 * baseline); every other public type is internal to this project and may change without notice.
 */
package com.quantumtrader.allocation.core;
