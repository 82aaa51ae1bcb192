<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Start an empty graph</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a .mgs document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the graph</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the graph under a new name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import micrograd code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turn a micrograd program into a graph (interpreted safely, never run by Python)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;SVG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the graph as SVG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the graph as PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;micrograd…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the graph as micrograd Python code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;PyTorch…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the graph as PyTorch code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PyTorch m&amp;odule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the trained graph as a PyTorch nn.Module with the loop that replays its run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close mgstudio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cut the selected nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate the selected nodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the selected nodes and wires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select every node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit Graph</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole graph</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the graph at 100 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Auto-arrange</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lay the graph out left to right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;Node…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search node kinds (Tab on the canvas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Insert &amp;Neuron…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Insert the lecture&apos;s neuron: x·w + b through an activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Group Selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the selected nodes in a group (name it with Rename Group…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Ungroup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dissolve the selected group; its nodes stay where they are</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Collapse/Expand Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the selected group as one block, or open the block again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rena&amp;me Group…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the selected group a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Backward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zero every grad, then backpropagate from the output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Zero Grad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set every grad to 0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nudge &amp;Up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Increase the selected leaf by the step (+ in the inspector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nudge &amp;Down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decrease the selected leaf by the step (- in the inspector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Step Along Gradient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data += step × grad for the selected leaves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step &amp;All Leaves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data += step × grad for every leaf of the output (the lecture&apos;s step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put every panel and toolbar back where a first start puts them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predict &amp;Gradients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide the grads; type each one, output first, checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predict Gradients of &amp;Selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same, for the selected nodes only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predict Gradients in &amp;Two Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type each local derivative, then the grad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predict &amp;Forward Values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide the data; type each node&apos;s value, inputs first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Which Way?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nudge a leaf up: does the output go up, down or stay?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;b = a + a: = instead of +=</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong a.grad 1, right 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forgetting &amp;zero_grad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two loss curves: without and with zero_grad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backward() &amp;Twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grads pile up when backward runs again without zeroing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Naive &amp;Recursive Backward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why backward walks in topological order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tanh/exp: &amp;Output or Input?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A backward rule using the input by mistake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About mgstudio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;Language</source>
        <extracomment>the application property holding the language applied last (the menu shows it checked)</extracomment>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the system&apos;s language (中文 on a Chinese system)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
